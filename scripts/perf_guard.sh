#!/usr/bin/env bash
# perf_guard.sh PERF_PROBE BUDGET [--update]
#
# The performance guard run by `make test` (ctest label "perf"). Stable on a
# noisy, shared machine because it counts instructions instead of timing:
#   1. runs `PERF_PROBE callgrind` under valgrind's callgrind; every probe
#      (engine on 30/200 pairs, our parser, the raw simdjson walk, nlohmann)
#      collects only its measured loop, after an unmeasured warm-up, so
#      start-up and setup cancel out; Ir / items = instructions per item;
#   2. fails when any probe is more than TOLERANCE (15%) heavier than BUDGET
#      (bench/perf_budget.txt), warns when it is more than 15% lighter (then
#      re-baseline with --update and commit the file);
#   3. checks the "ratio" lines of BUDGET on the same counts (e.g. nlohmann
#      needs >= 5x our parser's instructions per line);
#   4. checks the "time" lines on native timings taken in one process
#      (`PERF_PROBE time`: interleaved rounds, medians), with floors set well
#      below the typical value so a noisy neighbour cannot fail them.
# "ref" lines (nlohmann, raw simdjson) are reported but never fail: they
# move with Debian's packages, not with our code.
# Exit 0 pass, 1 fail, 77 skipped (no valgrind). Takes ~10 s.
set -euo pipefail

probe=${1:?usage: perf_guard.sh PERF_PROBE BUDGET [--update]}
budget=${2:?usage: perf_guard.sh PERF_PROBE BUDGET [--update]}
update=${3:-}
tolerance=${PERF_GUARD_TOLERANCE:-0.15}

if ! command -v valgrind >/dev/null; then
  echo "perf_guard: valgrind not installed (scripts/setup.sh installs it); skipping" >&2
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$work/cg.out" \
  "$probe" callgrind >"$work/items.txt" 2>"$work/valgrind.log" || {
  cat "$work/valgrind.log" >&2
  echo "perf_guard: perf_probe failed under callgrind" >&2
  exit 1
}
if grep -q "perf_probe:" "$work/valgrind.log"; then
  grep "perf_probe:" "$work/valgrind.log" >&2
  echo "perf_guard: a probe's input was rejected; the counts would not mean anything" >&2
  exit 1
fi

# name -> Ir per item, from the dumps named after each probe.
for f in "$work"/cg.out.*; do
  name=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
  total=$(sed -n 's/^totals: //p' "$f")
  items=$(awk -v n="$name" '$1 == n {print $2}' "$work/items.txt")
  awk -v n="$name" -v t="$total" -v i="$items" 'BEGIN {printf "%s %.1f\n", n, t / i}'
done | sort >"$work/measured.txt"

"$probe" time >"$work/time.txt"

if [[ "$update" == "--update" ]]; then
  {
    echo "# Instructions (callgrind Ir) per item of each perf_probe workload, Release"
    echo "# build with Debian 12's gcc. scripts/perf_guard.sh fails when one grows"
    echo "# more than 15%. Re-baseline: bash scripts/perf_guard.sh PERF_PROBE $budget --update"
    # Our hot path: guarded. Baselines (other people's code): reported only.
    grep -vE '^parser_(nlohmann|raw_simdjson) ' "$work/measured.txt" | sed 's/^/ir /'
    grep -E '^parser_(nlohmann|raw_simdjson) ' "$work/measured.txt" | sed 's/^/ref /'

    echo "# Same-run ratios of the counts above: A/B >= min."
    grep -E '^ratio ' "$budget" || true
    echo "# Native timings in one process (perf_probe time), medians of 7 rounds: value >= min."
    grep -E '^time ' "$budget" || true
  } >"$work/new_budget.txt"
  cp "$work/new_budget.txt" "$budget"
  echo "perf_guard: wrote $budget"
  cat "$budget"
  exit 0
fi

status=0
printf "%-22s %12s %12s %8s\n" probe "Ir/item" budget change
while read -r kind name limit; do
  [[ "$kind" == "ir" || "$kind" == "ref" ]] || continue
  got=$(awk -v n="$name" '$1 == n {print $2}' "$work/measured.txt")
  if [[ -z "$got" ]]; then
    echo "perf_guard: probe $name is in the budget but was not measured" >&2
    status=1
    continue
  fi
  verdict=$(awk -v g="$got" -v b="$limit" -v t="$tolerance" 'BEGIN {
      c = (g - b) / b; printf "%+.1f%% ", c * 100
      if (c > t) print "FAIL"; else if (c < -t) print "lighter"; else print "ok" }')
  [[ "$kind" == "ref" ]] && verdict="${verdict% *} (baseline, not guarded)"
  printf "%-22s %12s %12s %s\n" "$name" "$got" "$limit" "$verdict"
  case "$verdict" in
    *FAIL) status=1 ;;
    *lighter) echo "  (more than 15% lighter than budgeted: re-baseline with --update)" ;;
  esac
done <"$budget"

while read -r kind expr op min; do
  [[ "$kind" == "ratio" ]] || continue
  a=${expr%/*}
  b=${expr#*/}
  va=$(awk -v n="$a" '$1 == n {print $2}' "$work/measured.txt")
  vb=$(awk -v n="$b" '$1 == n {print $2}' "$work/measured.txt")
  r=$(awk -v a="$va" -v b="$vb" 'BEGIN {printf "%.3f", a / b}')
  ok=$(awk -v r="$r" -v m="$min" 'BEGIN {print (r >= m) ? "ok" : "FAIL"}')
  printf "ratio %-40s %8s %s %s %s\n" "$expr" "$r" "$op" "$min" "$ok"
  [[ "$ok" == ok ]] || status=1
done <"$budget"

while read -r kind name op min; do
  [[ "$kind" == "time" ]] || continue
  v=$(awk -v n="$name" '$1 == n {print $2}' "$work/time.txt")
  ok=$(awk -v r="$v" -v m="$min" 'BEGIN {print (r >= m) ? "ok" : "FAIL"}')
  printf "time  %-40s %8s %s %s %s\n" "$name" "$v" "$op" "$min" "$ok"
  [[ "$ok" == ok ]] || status=1
done <"$budget"

if [[ $status -ne 0 ]]; then
  echo "perf_guard: FAILED. Profile a probe with: valgrind --tool=callgrind --collect-atstart=no $probe callgrind; callgrind_annotate callgrind.out.<pid>.<n>" >&2
fi
exit $status
