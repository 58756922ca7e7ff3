#!/usr/bin/env bash
# Installs the Debian packages adrmon needs to build, test and benchmark.
# Idempotent: when everything is present it only runs dpkg-query and exits.
set -euo pipefail

packages=(
  build-essential cmake make pkg-config clang-format
  libboost-dev
  libssl-dev openssl              # https webhooks; the TLS tests make their certificates
  libsimdjson-dev
  libconcurrentqueue-dev libreaderwriterqueue-dev
  libbenchmark-dev libgtest-dev
  libtomlplusplus-dev libcli11-dev
  nlohmann-json3-dev
  libhowardhinnant-date-dev tzdata  # IANA time zones (calendars, ITCH midnight)
  zlib1g-dev                        # venue files: MMDDYYYY.NASDAQ_ITCH50.gz
  libzstd-dev zstd                  # binary captures (zstd blocks; docs/FORMATS.md)
  nats-server libnats-dev           # the message bus ([bus], adrmon feed; tests start servers)
  valgrind
  python3
  curl
  systemd      # systemd-analyze verify of the packaged unit (works without a running systemd)
  prometheus   # promtool check rules deploy/prometheus/adrmon.rules.yml (monitoring test)
  chromium  # the dashboard's browser test (playwright-core drives it)
)
# The browser test runs on node + npm; this machine kind ships Node 20 (which
# bundles npm), so Debian's packages only when they are missing.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
# Optional groups: `scripts/setup.sh bench` adds plotting; `fuzz` adds clang-14 and its
# libFuzzer/sanitizer runtimes (`make fuzz`). ASan, UBSan and TSan for `make asan`
# and `make tsan` come with GCC (build-essential).
for extra in "$@"; do
  case "$extra" in
    bench) packages+=(gnuplot-nox) ;;
    fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;
    *) echo "setup.sh: unknown group '$extra'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup.sh: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
