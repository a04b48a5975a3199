#!/usr/bin/env bash
# BigQuery: a query over a remote table next to the fake's own answer time for the same calls (target
# overhead <= 5 ms + transfer), the bytes a filtered, projected remote query pulls next to SELECT *, and
# materializing 5M rows in pages of 10,000 into parquet next to DuckDB writing the same rows from memory,
# with the peak RSS during it (target < 300 MB).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
ROWS="${ROWS:-5000000}"
DIR="$ROOT/bench/data/bigquery"
"$BIN" bigquery "$DIR" "$ROWS"
rm -rf "$DIR"
