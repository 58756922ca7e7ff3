#!/usr/bin/env bash
# `make demo`: replay the bundled sample through `adrmon run` with the traders'
# dashboard on, at a pace a person can watch, and exit by itself.
#
#   DEMO_SPEED=20    replay pace: real time x N (300 s of sample -> 15 s), or "max"
#   DEMO_LINGER=0    keep the dashboard up this many seconds after the replay
#   DEMO_PORT=8480   first port to try; the next free one up to +19 is used
#   DEMO_DATA=data/sample   the tick files to replay (us.jsonl, hk.jsonl, fx.jsonl);
#                    `make demo-sessions` uses data/sessions (a whole calendar day)
#   DEMO_SECONDS=300 event-time length of DEMO_DATA, for the "takes about" line
#
# Alerts print on stdout as they happen (human lines) and go to
# out/demo-alerts.jsonl; the summary prints at the end.
set -euo pipefail
build=${1:-build/release}
cd "$(dirname "$0")/.."
speed=${DEMO_SPEED:-20}
linger=${DEMO_LINGER:-0}
first_port=${DEMO_PORT:-8480}
data=${DEMO_DATA:-data/sample}
seconds=${DEMO_SECONDS:-300}
mkdir -p out
alerts=out/demo-alerts.jsonl
: > "$alerts"

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A config with the dashboard on a free port: 8480 unless something holds it.
config=out/demo.toml
port=""
for ((p = first_port; p < first_port + 20; p++)); do
  if ! port_taken "$p"; then port=$p; break; fi
done
if [[ -z "$port" ]]; then
  echo "demo: ports $first_port-$((first_port + 19)) are all taken; replaying without the dashboard" >&2
  sed '/^\[dashboard\]/,/^$/d' config/demo.toml > "$config"
else
  [[ "$port" != "$first_port" ]] && echo "demo: port $first_port is taken; using $port" >&2
  sed "s/^listen = \"127\\.0\\.0\\.1:[0-9]*\"/listen = \"127.0.0.1:$port\"/" config/demo.toml > "$config"
fi

sources=()
for f in us hk fx; do sources+=(--source "file:$data/$f.jsonl?speed=$speed"); done
lines=$(cat "$data/us.jsonl" "$data/hk.jsonl" "$data/fx.jsonl" | wc -l)

echo "== adrmon run: config/demo.toml over $data (US ADR quotes, HK quotes, USD/HKD), speed $speed"
if [[ -n "$port" ]]; then
  echo
  echo "   ┌──────────────────────────────────────────────────────────┐"
  printf "   │  Dashboard:  %-44s│\n" "http://127.0.0.1:$port/"
  printf "   │  Metrics:    %-44s│\n" "http://127.0.0.1:$port/metrics"
  echo "   └──────────────────────────────────────────────────────────┘"
  echo "   (open it now: the replay takes about $([[ $speed == max ]] && echo 1 || echo $((seconds / ${speed%.*})))s;"
  echo "    DEMO_LINGER=120 keeps it up afterwards, DEMO_SPEED=5 slows it down)"
  echo
fi

if [[ "$linger" == 0 || -z "$port" ]]; then
  "$build/apps/adrmon" run --config "$config" --alerts "$alerts" --exit-when-done "${sources[@]}"
else
  # Stay up after the replay: run without --exit-when-done, watch /metrics
  # until every line is read and the engine is idle, linger, then SIGINT
  # (drain, flush, summary).
  "$build/apps/adrmon" run --config "$config" --alerts "$alerts" "${sources[@]}" &
  pid=$!
  trap 'kill -INT $pid 2>/dev/null || true' INT TERM
  read_total() {
    curl -fs "http://127.0.0.1:$port/metrics" 2>/dev/null |
      awk '$1 == "adrmon_ticks_accepted_total" || $1 ~ /^adrmon_ticks_rejected_total/ {s += $2} END {print s + 0}'
  }
  while kill -0 "$pid" 2>/dev/null && [[ $(read_total) -lt $lines ]]; do sleep 0.5; done
  echo "== replay done; the dashboard stays up for ${linger}s at http://127.0.0.1:$port/ (Ctrl-C ends it)"
  sleep "$linger" || true
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid"
fi
echo "== $(wc -l < "$alerts") alerts written to $alerts"
