#!/usr/bin/env bash
# End-to-end tests of the real binaries on real files. Usage:
#   e2e.sh CASE BUILD_DIR SOURCE_DIR
# Cases:
#   reference  generated day (real universe) -> adrmon replay == independent reference
#   sample     the bundled sample -> adrmon replay == independent reference, alerts of every kind
#   selftest   hand-computed ticks -> adrmon replay == hand-computed expected alerts
#   salted     clean vs salted files: identical alerts; every bad line counted under its reason
#   cli        bad config / missing file: exit 2 and one clear message naming file, line and key
set -euo pipefail
case_name=$1
build=$(cd "$2" && pwd)
src=$(cd "$3" && pwd)
adrmon=$build/apps/adrmon
gen=$build/tools/adrmon-gen
ref="python3 $src/tests/reference/adrmon_ref.py"
compare="python3 $src/tests/reference/compare_alerts.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

json_field() {  # json_field FILE EXPR  -> prints python expression over d
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

check_kinds() {  # alerts file has opens, reverted closes and stale closes
  local f=$1
  grep -q '"kind":"open"' "$f" || fail "no open alert in $f"
  grep -q '"reason":"reverted"' "$f" || fail "no reverted close in $f"
  grep -q '"reason":"stale"' "$f" || fail "no stale close in $f"
}

# replay_against_reference CONFIG WHAT FILE...: replays the files into
# $work/alerts.jsonl (no rejects allowed: WHAT names the input in the failure)
# and compares the alerts with the reference implementation's.
replay_against_reference() {
  local config=$1 what=$2
  shift 2
  "$adrmon" replay --config "$config" --alerts "$work/alerts.jsonl" \
    --summary-json "$work/summary.json" "$@"
  [[ $(json_field "$work/summary.json" 'd["rejected"]') == 0 ]] || fail "$what had rejects"
  $ref --config "$config" "$@" > "$work/ref.jsonl"
  $compare "$work/ref.jsonl" "$work/alerts.jsonl"
}

case "$case_name" in
  reference)
    "$gen" --config "$src/config/pairs.toml" --out "$work/day" --seed 7 --duration-s 900 \
      --dislocations 12 >/dev/null
    files=("$work/day/us.jsonl" "$work/day/hk.jsonl" "$work/day/fx.jsonl")
    replay_against_reference "$src/config/pairs.toml" "clean day" "${files[@]}"
    [[ $(wc -l < "$work/alerts.jsonl") -ge 10 ]] || fail "too few alerts to be a real check"
    check_kinds "$work/alerts.jsonl"
    ;;
  sample)
    files=("$src/data/sample/us.jsonl" "$src/data/sample/hk.jsonl" "$src/data/sample/fx.jsonl")
    replay_against_reference "$src/config/demo.toml" "sample" "${files[@]}"
    check_kinds "$work/alerts.jsonl"
    ;;
  selftest)
    d=$src/tests/reference/selftest
    "$adrmon" replay --config "$d/config.toml" --alerts "$work/alerts.jsonl" --quiet \
      "$d/us.jsonl" "$d/hk.jsonl" "$d/fx.jsonl"
    $compare "$d/expected.jsonl" "$work/alerts.jsonl"
    ;;
  salted)
    "$gen" --config "$src/config/pairs.toml" --out "$work/clean" --seed 11 --duration-s 300 \
      --dislocations 8 >/dev/null
    names=(us.jsonl hk.jsonl fx.jsonl)
    python3 "$src/tests/apps/salt.py" "$src/config/pairs.toml" "$work/salted" \
      "${names[@]/#/$work/clean/}"
    "$adrmon" replay --config "$src/config/pairs.toml" --alerts "$work/clean.jsonl" \
      --summary-json "$work/clean.json" --quiet "${names[@]/#/$work/clean/}"
    "$adrmon" replay --config "$src/config/pairs.toml" --alerts "$work/salted.jsonl" \
      --summary-json "$work/salted.json" --quiet "${names[@]/#/$work/salted/}"
    [[ $(wc -l < "$work/clean.jsonl") -ge 4 ]] || fail "too few alerts to be a real check"
    cmp "$work/clean.jsonl" "$work/salted.jsonl" || fail "salted alerts differ from clean"
    python3 - "$work/clean.json" "$work/salted.json" "$work/salted/expected_rejects.json" <<'PY'
import json, sys
clean, salted, expected = (json.load(open(p)) for p in sys.argv[1:])
assert clean["rejected"] == 0, clean
assert salted["accepted"] == clean["accepted"], (salted["accepted"], clean["accepted"])
got = {k: v for k, v in salted["rejects"].items() if v}
assert got == expected, f"rejects by reason: got {got}, expected {expected}"
assert salted["ticks_read"] == salted["accepted"] + salted["rejected"]
assert salted["blank_lines"] > 0
print(f"salted: {sum(expected.values())} bad lines over {len(expected)} reasons, all counted; alerts identical")
PY
    ;;
  cli)
    cfg=$work/bad.toml
    sed 's/^ratio = 8$/ratoi = 8/' "$src/config/demo.toml" > "$cfg"
    line=$(grep -n '^ratoi' "$cfg" | head -1 | cut -d: -f1)
    set +e
    out=$("$adrmon" replay --config "$cfg" /dev/null 2>&1); rc=$?
    set -e
    [[ $rc == 2 ]] || fail "bad config exit code $rc"
    [[ $out == *"$cfg:$line: key 'pair[1].ratoi'"* ]] || fail "message does not name file:line:key: $out"
    [[ $(grep -c . <<< "$out") == 1 ]] || fail "more than one line of error: $out"
    set +e
    out=$("$adrmon" replay --config "$src/config/demo.toml" "$work/missing.jsonl" 2>&1); rc=$?
    set -e
    [[ $rc == 2 && $out == *"missing.jsonl: cannot open"* ]] || fail "missing file: rc=$rc $out"
    echo "cli: bad config and missing file fail fast with one clear line"
    ;;
  *) fail "unknown case $case_name" ;;
esac
