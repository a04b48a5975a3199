#!/usr/bin/env bash
# The analyst data API on the demo data, each figure next to a floor measured in the same run:
# /api/query p50/p99 and throughput (1 and 8 clients, driven by a wrk-like keep-alive load generator)
# vs the same SQL in-process on the DuckDB binding;
# /api/sync/manifest with 1,000 tables vs /api/version, and with Accept-Encoding: gzip (the only
# client here that sends it); a 1 GB download vs cat of the same file (warm
# page cache, and cold: dropped from it before each read) and vs a bare sendfile(2) responder.
# Targets: sandbox overhead p50 <= 2 ms over the floor; download >= 70% of cat.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bench/lib.sh
bash scripts/setup.sh >/dev/null
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
mkdir -p "$ROOT/bench/data"
BIG="$(ensure_big_parquet)"
"$BIN" data "$ROOT/bench/data/data-api" "$BIG"
