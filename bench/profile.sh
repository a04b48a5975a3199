#!/usr/bin/env bash
# Table profiler time on the 5M-row demo `events` table (documented defaults: a 500,000-row sample,
# 2 threads, 4 GB); the table is generated on first use.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
mkdir -p "$ROOT/bench/data/demo"
"$BIN" profile "$ROOT/bench/data/demo/events.parquet" "${ITERATIONS:-5}"
