#!/usr/bin/env bash
# Hand-computed issue-9 cases (see README.md). Usage:
#   cases/run.sh [ADRMON]
# Always checks the reference (adrmon_ref.py) against each case's
# expected.jsonl (and board_expected.jsonl at the instant in board_at);
# with the path of the adrmon binary, checks the binary the same way:
#   adrmon replay --config CASE/config.toml --alerts OUT --quiet CASE/ticks.jsonl
#   adrmon board  --config CASE/config.toml --at T CASE/ticks.jsonl
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ref="python3 $here/../adrmon_ref.py"
compare="python3 $here/../compare_alerts.py"
adrmon=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
check() {  # check LABEL COMMAND...
  local label=$1; shift
  if out=$("$@" 2>&1); then
    echo "ok   $label: ${out##*$'\n'}"
  else
    echo "FAIL $label"; echo "$out" | sed 's/^/     /'; fails=$((fails + 1))
  fi
}
for dir in "$here"/*/; do
  c=$(basename "$dir")
  $ref --config "$dir/config.toml" "$dir/ticks.jsonl" > "$work/$c.ref.jsonl"
  check "$c reference" $compare "$dir/expected.jsonl" "$work/$c.ref.jsonl"
  if [[ -n $adrmon ]]; then
    check "$c adrmon" bash -c '"$1" replay --config "$2/config.toml" --alerts "$3" --quiet \
      "$2/ticks.jsonl" >/dev/null && '"$compare"' "$2/expected.jsonl" "$3"' _ "$adrmon" "$dir" "$work/$c.bin.jsonl"
  fi
  if [[ -f $dir/board_at ]]; then
    at=$(cat "$dir/board_at")
    $ref board --config "$dir/config.toml" --at "$at" "$dir/ticks.jsonl" > "$work/$c.refb.jsonl"
    check "$c reference board" $compare --board "$dir/board_expected.jsonl" "$work/$c.refb.jsonl"
    if [[ -n $adrmon ]]; then
      check "$c adrmon board" bash -c '"$1" board --config "$2/config.toml" --at "$4" "$2/ticks.jsonl" \
        > "$3" && '"$compare"' --board "$2/board_expected.jsonl" "$3"' _ "$adrmon" "$dir" "$work/$c.binb.jsonl" "$at"
    fi
  fi
done
if (( fails )); then echo "cases: $fails failure(s)"; exit 1; fi
echo "cases: all pass"
