#!/usr/bin/env bash
# The Debian package. Usage:
#   package_test.sh contents BUILD_DIR SOURCE_DIR
#       cpack -G DEB from BUILD_DIR into a temp dir; check the file list, the
#       control fields (version = the binary's --version, dependencies from
#       dpkg-shlibdeps + tzdata), the conffile, the maintainer scripts; unpack
#       it and run the unpacked adrmon (--version, check-config of the
#       packaged config); the packaged config holds config/pairs.toml verbatim.
#   install BUILD_DIR SOURCE_DIR [DEB]
#       (root; only with ADRMON_PACKAGE_INSTALL=1, else skipped with 77: it
#       changes the machine) apt-get install DEB (default: built as above),
#       run /usr/bin/adrmon --version and check-config /etc/adrmon/adrmon.toml,
#       systemd-analyze verify the installed unit, run the installed daemon on
#       the sample day from the packaged config and require the alerts the
#       build tree's `adrmon replay --config config/pairs.toml` gives, then
#       purge the package (and check nothing of it is left).
set -euo pipefail
mode=$1
build=$(cd "$2" && pwd)
src=$(cd "$3" && pwd)
deb=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
sample=("$src/data/sample/us.jsonl" "$src/data/sample/hk.jsonl" "$src/data/sample/fx.jsonl")

build_deb() {
  (cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
    { cat "$work/cpack.log" >&2; fail "cpack failed"; }
  deb=$(ls "$work"/pkg/adrmon_*.deb)
}

expected_files=(
  ./etc/adrmon/adrmon.toml
  ./lib/systemd/system/adrmon.service
  ./usr/bin/adrmon ./usr/bin/adrmon-cast ./usr/bin/adrmon-gen
  ./usr/share/adrmon/grafana/adrmon.json
  ./usr/share/adrmon/prometheus/adrmon.rules.yml ./usr/share/adrmon/prometheus/prometheus.yml
  ./usr/share/doc/adrmon/FORMATS.md ./usr/share/doc/adrmon/OPERATIONS.md ./usr/share/doc/adrmon/README.md
  ./usr/share/man/man1/adrmon.1.gz ./usr/share/man/man5/adrmon.toml.5.gz
)

case "$mode" in
  contents)
    build_deb
    echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"
    dpkg-deb -c "$deb" | tee "$work/list.txt"
    awk '$1 !~ /^d/ {print $6}' "$work/list.txt" | sort > "$work/files.txt"
    printf '%s\n' "${expected_files[@]}" | sort > "$work/want.txt"
    diff "$work/want.txt" "$work/files.txt" || fail "package files differ from the expected list"
    grep -E '^-rwxr-xr-x root/root .* \./usr/bin/adrmon$' "$work/list.txt" >/dev/null ||
      fail "/usr/bin/adrmon is not an executable owned by root"
    dpkg-deb -I "$deb" | tee "$work/info.txt"
    version=$(dpkg-deb -f "$deb" Version)
    [[ $(dpkg-deb -f "$deb" Package) == adrmon ]] || fail "Package is not adrmon"
    [[ $(dpkg-deb -f "$deb" Architecture) == "$(dpkg --print-architecture)" ]] || fail "Architecture"
    [[ $(basename "$deb") == "adrmon_${version}_$(dpkg --print-architecture).deb" ]] ||
      fail "file name $(basename "$deb") is not adrmon_<version>_<arch>.deb"
    depends=$(dpkg-deb -f "$deb" Depends)
    for d in tzdata libstdc++6 libc6 libdate-tz3 zlib1g libtomlplusplus3 libsimdjson; do
      grep -q "$d" <<<"$depends" || fail "Depends lacks $d: $depends"
    done
    if ldd "$build/apps/adrmon" | grep -q libssl; then
      grep -q libssl3 <<<"$depends" || fail "adrmon links libssl but Depends lacks libssl3"
    fi
    dpkg-deb -e "$deb" "$work/control"
    [[ $(cat "$work/control/conffiles") == /etc/adrmon/adrmon.toml ]] || fail "conffiles"
    for s in postinst prerm postrm; do
      [[ -x $work/control/$s ]] || fail "maintainer script $s missing or not executable"
      sh -n "$work/control/$s" || fail "$s does not parse"
    done
    dpkg-deb -x "$deb" "$work/root"
    out=$("$work/root/usr/bin/adrmon" --version)
    [[ $out == "adrmon $version (git "*")" ]] || fail "--version '$out' does not name package version $version"
    echo "version: $out"
    "$work/root/usr/bin/adrmon" check-config "$work/root/etc/adrmon/adrmon.toml" > "$work/check.txt" ||
      fail "check-config of the packaged config failed"
    grep -q '^pairs    26 ' "$work/check.txt" || fail "packaged config does not hold the 26 pairs"
    grep -q '^sinks    alert log /var/lib/adrmon/alerts.jsonl' "$work/check.txt" || fail "alert log path"
    grep -q '^dashboard http://127.0.0.1:8480/' "$work/check.txt" || fail "dashboard address"
    python3 - "$src/config/pairs.toml" "$work/root/etc/adrmon/adrmon.toml" <<'PY' || fail "packaged config does not contain config/pairs.toml verbatim"
import sys
sys.exit(0 if open(sys.argv[1]).read() in open(sys.argv[2]).read() else 1)
PY
    zcat "$work/root/usr/share/man/man1/adrmon.1.gz" | grep -q '^.TH ADRMON 1' || fail "man page adrmon.1"
    zcat "$work/root/usr/share/man/man5/adrmon.toml.5.gz" | grep -q '^.TH ADRMON.TOML 5' || fail "man page adrmon.toml.5"
    python3 -m json.tool "$work/root/usr/share/adrmon/grafana/adrmon.json" >/dev/null || fail "grafana json"
    echo "package contents: ok"
    ;;
  install)
    if [[ ${ADRMON_PACKAGE_INSTALL:-0} != 1 ]]; then
      echo "skipped: installs a system package; set ADRMON_PACKAGE_INSTALL=1 (CI does, as root)"
      exit 77
    fi
    [[ $(id -u) -eq 0 ]] || fail "install mode needs root"
    [[ -n $deb ]] || build_deb
    deb=$(realpath "$deb")
    if dpkg-query -W -f='${Status}' adrmon 2>/dev/null | grep -q 'install ok installed'; then
      fail "adrmon is already installed on this machine; not touching it"
    fi
    cleanup() {
      apt-get purge -y -qq adrmon >/dev/null 2>&1 || true
      rm -rf "$work"
    }
    trap cleanup EXIT
    t0=$(date +%s)
    echo "installing $deb"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >"$work/apt.log" 2>&1 ||
      { cat "$work/apt.log" >&2; fail "apt-get install failed"; }
    dpkg -L adrmon
    version=$(dpkg-query -W -f='${Version}' adrmon)
    out=$(/usr/bin/adrmon --version)
    echo "installed: $out"
    [[ $out == "adrmon $version (git "*")" ]] || fail "--version '$out' vs package version $version"
    /usr/bin/adrmon check-config /etc/adrmon/adrmon.toml | tee "$work/check.txt"
    grep -q '^pairs    26 ' "$work/check.txt" || fail "check-config: not the 26 pairs"
    man_flag=()
    command -v man >/dev/null || man_flag=(--man=no)
    systemd-analyze verify "${man_flag[@]}" /lib/systemd/system/adrmon.service 2>&1 | tee "$work/verify.txt"
    [[ ${PIPESTATUS[0]} -eq 0 && ! -s $work/verify.txt ]] || fail "systemd-analyze verify: $(cat "$work/verify.txt")"
    echo "systemd-analyze verify adrmon.service: clean"
    # The installed daemon on the demo day, from the packaged config (the real
    # universe: the sample's symbols are in it), against the build tree's replay.
    /usr/bin/adrmon run --config /etc/adrmon/adrmon.toml --exit-when-done --dashboard off \
      --no-stdout-alerts --alerts "$work/run.jsonl" --summary-json "$work/run.json" \
      --source "file:${sample[0]}?speed=max" --source "file:${sample[1]}" --source "file:${sample[2]}" \
      2>"$work/run.err" || { cat "$work/run.err" >&2; fail "installed daemon failed"; }
    "$build/apps/adrmon" replay --config "$src/config/pairs.toml" --quiet "${sample[@]}" >"$work/replay.jsonl"
    n=$(wc -l <"$work/replay.jsonl")
    [[ $n -gt 0 ]] || fail "the sample gave no alerts"
    cmp "$work/replay.jsonl" "$work/run.jsonl" || fail "installed daemon's alerts differ from the build tree's replay"
    echo "installed daemon on the sample: $n alerts, identical to the build tree's replay"
    /usr/bin/adrmon explain --config /etc/adrmon/adrmon.toml --brief <"$work/run.jsonl" | tail -1
    apt-get purge -y -qq adrmon >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "purge failed"; }
    for f in /usr/bin/adrmon /etc/adrmon/adrmon.toml /lib/systemd/system/adrmon.service; do
      [[ ! -e $f ]] || fail "$f left after purge"
    done
    echo "package install/run/purge: ok in $(($(date +%s) - t0)) s"
    ;;
  *) fail "unknown mode $mode" ;;
esac
