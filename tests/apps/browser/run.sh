#!/usr/bin/env bash
# ctest wrapper for the browser test: installs playwright-core from the
# committed package-lock.json when node_modules is missing, then runs it.
# Usage: run.sh BUILD_DIR SOURCE_DIR [SCRIPT]   (SCRIPT: dashboard.test.mjs by default,
#        or idle_clients.mjs: engine ticks/s with 0 and 20 never-reading clients)
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "browser test: node missing (scripts/setup.sh installs it)" >&2; exit 1; }
if [[ ! -f node_modules/playwright-core/package.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node "${3:-dashboard.test.mjs}" "$build" "$src"
