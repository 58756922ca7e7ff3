#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time and prints executions and
# time per target. Used by `make fuzz` (FUZZ_SECONDS, default 60 per target)
# and, shorter, by .ci/run.
#
#   tests/fuzz/run.sh BUILD_DIR [SECONDS]      (FUZZ_TARGETS="a b" for some only)
#
# Seeds: tests/fuzz/corpus/ticks (hand-made), every line of data/sample's
# first lines and of tests/data/bad/*.jsonl (one line per seed, plus a few
# multi-line slices), and for the config target every .toml under config/
# and tests/data/config. What the fuzzer adds accumulates in
# BUILD_DIR/corpus/<target> across runs. Before fuzzing, every saved input
# under tests/fuzz/regress/<target>/ is run once: each is a crash found and
# fixed, and must stay fixed. A crash stops the script with exit 1 and
# leaves the input in BUILD_DIR/artifacts/.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
secs=${2:-${FUZZ_SECONDS:-60}}
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds/ticks" "$seeds/config" "$build/artifacts"

# --- seed corpora ------------------------------------------------------------
cp "$src"/tests/fuzz/corpus/ticks/* "$seeds/ticks/"
python3 - "$src" "$seeds/ticks" <<'PY'
import glob, hashlib, os, sys
src, out = sys.argv[1], sys.argv[2]
def put(data):
    open(os.path.join(out, hashlib.sha1(data).hexdigest()[:16]), "wb").write(data)
files = [os.path.join(src, "data", "sample", n) for n in ("us.jsonl", "hk.jsonl", "fx.jsonl")]
files += sorted(glob.glob(os.path.join(src, "tests", "data", "bad", "*.jsonl")))
for f in files:
    lines = open(f, "rb").read().split(b"\n")[:200]
    for l in set(lines):
        if l:
            put(l + b"\n")
    for i in range(0, min(len(lines), 60), 20):  # a few multi-line slices, framing included
        put(b"\n".join(lines[i:i + 5]) + b"\n")
PY
cp "$src"/config/*.toml "$src"/tests/data/config/*.toml "$seeds/config/"

# --- targets -----------------------------------------------------------------
#        target             seeds   dictionary
targets=("fuzz_tick_parser  ticks   tick.dict"
         "fuzz_framing_diff ticks   tick.dict"
         "fuzz_config       config  config.dict")

summary=()
status=0
for t in "${targets[@]}"; do
  read -r name seed dict <<<"$t"
  # FUZZ_TARGETS="fuzz_config ..." runs only those.
  [[ -z "${FUZZ_TARGETS:-}" || " $FUZZ_TARGETS " == *" $name "* ]] || continue
  bin=$build/$name
  corpus=$build/corpus/$name
  mkdir -p "$corpus"
  regress=$src/tests/fuzz/regress/$name
  if compgen -G "$regress/*" >/dev/null; then
    "$bin" -runs=0 "$regress"/* >/dev/null 2>"$build/$name.regress.log" ||
      { echo "fuzz: $name: a saved regression input fails again:"; tail -30 "$build/$name.regress.log"; exit 1; }
  fi
  log=$build/$name.log
  echo "fuzz: $name for ${secs}s ..."
  t0=$(date +%s.%N)
  set +e
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
    -dict="$src/tests/fuzz/$dict" -artifact_prefix="$build/artifacts/$name-" \
    "$corpus" "$seeds/$seed" >"$log" 2>&1
  rc=$?
  set -e
  took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  units=$(ls "$corpus" | wc -l)
  if [[ $rc -ne 0 ]]; then
    status=1
    echo "fuzz: $name FAILED (exit $rc); see $log and $build/artifacts/"
    grep -E 'FUZZ INVARIANT|ERROR: |SUMMARY: |^line' "$log" | head -10 || true
  fi
  summary+=("$(printf '%-18s %10s execs in %5.1f s  %7.0f execs/s  cov %5s  corpus %5s  %s' "$name" \
    "${execs:-?}" "$took" "$(awk -v n="${execs:-0}" -v t="$took" 'BEGIN { print n / t }')" "${cov:-?}" "$units" \
    "$([[ $rc -eq 0 ]] && echo clean || echo CRASH)")")
done

echo
echo "fuzz summary (ASan+UBSan, ${secs}s per target):"
printf '  %s\n' "${summary[@]}" | tee "$build/fuzz-summary.txt"
exit $status
