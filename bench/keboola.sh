#!/usr/bin/env bash
# Keboola: export-to-parquet throughput of a 5M-row sliced table (8 gzip CSV slices served by the fake
# stack on 127.0.0.1, downloaded with S3 SigV4) next to the floor of DuckDB alone converting the same
# slices (target >= 70 % of the floor), the peak RSS during that export (target < 300 MB), and
# incremental runs merging 1,000 / 10,000 / 100,000 changed rows into it (target < 3 s for 10,000).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
ROWS="${ROWS:-5000000}"
DIR="$ROOT/bench/data/keboola-$ROWS"
if [ ! -f "$DIR/delta-100000.csv.gz" ]; then
    "$BIN" keboola-slices "$DIR" "$ROWS"
fi
"$BIN" keboola "$DIR" "$ROWS"
rm -rf "$DIR/data" "$DIR"/*.parquet
