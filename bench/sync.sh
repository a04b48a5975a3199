#!/usr/bin/env bash
# Sync runs and health: a run over 1,000 registered local tables where nothing changed (target < 1 s)
# next to a stat of every file plus a registry read; /api/health p50 (target < 0.5 ms), idle and while
# rebuilds write, next to /api/version; /api/health/detailed with 1,000 tables (target < 5 ms); and
# the process CPU over an idle window with and without the scheduler driving.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
mkdir -p "$ROOT/bench/data"
"$BIN" sync "$ROOT/bench/data/sync" "${TABLES:-1000}" "${REQUESTS:-2000}"
rm -rf "$ROOT/bench/data/sync"
