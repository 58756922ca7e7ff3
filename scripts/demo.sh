#!/usr/bin/env bash
# `make demo`: replay the bundled sample day through adrmon and show the alerts.
set -euo pipefail
build=${1:-build/release}
cd "$(dirname "$0")/.."
mkdir -p out
alerts=out/demo-alerts.jsonl
: > "$alerts"
echo "== adrmon replay: config/demo.toml over data/sample (US ADR quotes, HK quotes, USD/HKD)"
"$build/apps/adrmon" replay --config config/demo.toml --alerts "$alerts" \
  data/sample/us.jsonl data/sample/hk.jsonl data/sample/fx.jsonl
echo "== alerts ($alerts):"
cat "$alerts"
