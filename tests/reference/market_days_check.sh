#!/usr/bin/env bash
# Issue 9 ("market hours and market truth") cross-check. Usage:
#   tests/reference/market_days_check.sh [ADRMON [SEED]]
#
# Reference-only mode (no argument) generates the market-days scenario
# (gen_market_days.py) into a temp dir, runs the reference on it and checks
# that it does what the scenario intends (30 alerts: 15 opens; closes
# reverted 8, session 3, halted 1, stale 1, suspect 2; none outside a planned
# event; every open in live phases; the 9 boards as planned; the control run
# without calendars opens on all 18 events, 44 alerts), then runs the
# hand-computed cases (cases/run.sh) and the old selftest.
#
# With the path of the adrmon binary it also runs, on the same files,
#   adrmon replay --config CFG --alerts OUT --summary-json S us.jsonl hk.jsonl fx.jsonl
# and compares its alerts with the reference's (compare_alerts.py; also for
# the control config), requires 0 rejected lines, and runs
#   adrmon board --config CFG --at T us.jsonl hk.jsonl fx.jsonl
# at each planned instant (7 as integer ns, 2 as RFC 3339), compared to the
# reference's board (compare_alerts.py --board: 0.01 bp, live/why/phases/ratio
# exactly); and runs the hand-computed cases against the binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
adrmon=${1:-}
seed=${2:-1}
ref="python3 $here/adrmon_ref.py"
gen="python3 $here/gen_market_days.py"
compare="python3 $here/compare_alerts.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
s=$work/scenario
files=("$s/us.jsonl" "$s/hk.jsonl" "$s/fx.jsonl")

$gen --out "$s" --seed "$seed"
python3 - "${files[@]}" <<'PY'
import json, os, sys
for path in sys.argv[1:]:
    last = None
    n = 0
    for line in open(path):
        ts = json.loads(line)["ts"]
        assert last is None or ts >= last, f"{path}: ts goes back at line {n + 1}"
        last, n = ts, n + 1
    print(f"scenario: {os.path.basename(path)} {n} records in ts order, {os.path.getsize(path)} bytes")
PY

# the reference on the scenario
$ref --config "$s/config.toml" "${files[@]}" > "$work/ref.jsonl"
$gen check --dir "$s" --alerts "$work/ref.jsonl" || fail "reference alerts are not as planned"
$ref --config "$s/control.toml" "${files[@]}" > "$work/ref_control.jsonl"
$gen check-control --dir "$s" --alerts "$work/ref_control.jsonl" || fail "control run not as planned"

mapfile -t instants < <(python3 -c 'import json,sys; [print(b["at"]) for b in json.load(open(sys.argv[1]))["board"]]' "$s/plan.json")
pids=()
for i in "${!instants[@]}"; do
  $ref board --config "$s/config.toml" --at "${instants[$i]}" "${files[@]}" > "$work/refboard$i.jsonl" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "reference board failed"; done
for i in "${!instants[@]}"; do
  $gen check-board --dir "$s" --index "$i" --board "$work/refboard$i.jsonl" || fail "reference board $i not as planned"
done

# the old hand-computed selftest and the issue-9 cases, reference side
$ref --config "$here/selftest/config.toml" "$here/selftest/us.jsonl" "$here/selftest/hk.jsonl" \
  "$here/selftest/fx.jsonl" > "$work/selftest.jsonl"
$compare "$here/selftest/expected.jsonl" "$work/selftest.jsonl" || fail "reference selftest"

if [[ -z $adrmon ]]; then
  "$here/cases/run.sh"
  echo "market_days_check: reference-only mode passed (give the adrmon binary to compare it)"
  exit 0
fi

# the binary
[[ -x $adrmon ]] || fail "not an executable: $adrmon"
"$adrmon" replay --config "$s/config.toml" --alerts "$work/bin.jsonl" \
  --summary-json "$work/summary.json" --quiet "${files[@]}" || fail "adrmon replay failed"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["rejected"] == 0, d["rejects"]' \
  "$work/summary.json" || fail "the scenario had rejects"
$compare "$work/ref.jsonl" "$work/bin.jsonl" || fail "adrmon alerts differ from the reference"
"$adrmon" replay --config "$s/control.toml" --alerts "$work/bin_control.jsonl" --quiet \
  "${files[@]}" || fail "adrmon replay (control) failed"
$compare "$work/ref_control.jsonl" "$work/bin_control.jsonl" || fail "control: adrmon alerts differ"
for i in "${!instants[@]}"; do
  "$adrmon" board --config "$s/config.toml" --at "${instants[$i]}" "${files[@]}" \
    > "$work/binboard$i.jsonl" || fail "adrmon board --at ${instants[$i]} failed"
  $compare --board "$work/refboard$i.jsonl" "$work/binboard$i.jsonl" \
    || fail "board $i (--at ${instants[$i]}) differs"
done
"$here/cases/run.sh" "$adrmon"
echo "market_days_check: adrmon agrees with the reference (alerts, control, ${#instants[@]} boards, cases)"
