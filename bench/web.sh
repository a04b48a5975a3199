#!/usr/bin/env bash
# Web UI: the catalog page with 1,000 tables, a drawn profile page and the dashboard over HTTP
# (target p50 < 10 ms, pages < 100 KB), next to GET /api/version.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
DIR="$ROOT/bench/data/web"
"$BIN" web "$DIR" "${TABLES:-1000}" "${ROUNDS:-200}"
rm -rf "$DIR"
