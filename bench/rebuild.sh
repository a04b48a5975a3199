#!/usr/bin/env bash
# Orchestrator rebuild time (1 source x 3 tables, 50 sources x 20 tables; target: the latter < 1 s),
# next to the floor of the same ATTACH + CREATE VIEW statements run bare; and Publisher throughput on
# a 1 GB parquet next to cp (and cp + fsync) of the same file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"
WORK="$ROOT/bench/data"
mkdir -p "$WORK"

echo "Rebuild (median of ${ITERATIONS:-5} steady rebuilds after a first one)"
"$BIN" rebuild "$WORK/rebuild-1x3" 1 3 "${ITERATIONS:-5}"
"$BIN" rebuild "$WORK/rebuild-50x20" 50 20 "${ITERATIONS:-5}"
rm -rf "$WORK/rebuild-1x3" "$WORK/rebuild-50x20"

source bench/lib.sh
BIG="$(ensure_big_parquet)"
SIZE=$(stat -c %s "$BIG")
echo "Publish of $(awk -v s="$SIZE" 'BEGIN { printf "%.2f GB", s / 1e9 }') (page cache warm for all three)"
cat "$BIG" > /dev/null
OUT="$WORK/publish-out"; rm -rf "$OUT"; mkdir -p "$OUT"
"$BIN" publish "$BIG" "$OUT"
rm -rf "$OUT/published.parquet" "$OUT/.versions"
start=$(date +%s.%N); cp "$BIG" "$OUT/cp.parquet"; end=$(date +%s.%N)
awk -v s="$SIZE" -v a="$start" -v b="$end" 'BEGIN { printf "cp (floor):                               %7.1f MB/s  (%.2f s)\n", s / 1e6 / (b - a), b - a }'
rm -f "$OUT/cp.parquet"
start=$(date +%s.%N); cp "$BIG" "$OUT/cp.parquet"; sync "$OUT/cp.parquet"; end=$(date +%s.%N)
awk -v s="$SIZE" -v a="$start" -v b="$end" 'BEGIN { printf "cp + fsync (floor with durability):       %7.1f MB/s  (%.2f s)\n", s / 1e6 / (b - a), b - a }'
rm -rf "$OUT"
