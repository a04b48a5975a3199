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
ROUNDS="${PUBLISH_ROUNDS:-3}"
echo "Publish of $(awk -v s="$SIZE" 'BEGIN { printf "%.2f GB", s / 1e9 }') next to cp and cp + fsync, $ROUNDS rounds in turns (page cache warm for all)"
cat "$BIG" > /dev/null
OUT="$WORK/publish-out"
publish=(); copy=(); copy_sync=()
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
for round in $(seq "$ROUNDS"); do
    rm -rf "$OUT"; mkdir -p "$OUT"
    line="$("$BIN" publish "$BIG" "$OUT")"
    publish+=("$(sed -n 's/.*(\([0-9.]*\) s, md5.*/\1/p' <<<"$line")")
    rm -rf "$OUT/published.parquet" "$OUT/.versions"
    start=$(date +%s.%N); cp "$BIG" "$OUT/cp.parquet"; end=$(date +%s.%N)
    copy+=("$(elapsed "$start" "$end")")
    rm -f "$OUT/cp.parquet"
    start=$(date +%s.%N); cp "$BIG" "$OUT/cp.parquet"; sync "$OUT/cp.parquet"; end=$(date +%s.%N)
    copy_sync+=("$(elapsed "$start" "$end")")
    echo "  round $round: publisher ${publish[-1]} s, cp ${copy[-1]} s, cp + fsync ${copy_sync[-1]} s"
done
rm -rf "$OUT"
report() {  # label, then the samples in seconds: median and best, as MB/s
    local label="$1"; shift
    printf '%s\n' "$@" | sort -n | awk -v s="$SIZE" -v label="$label" '
        { v[NR] = $1 } END { m = v[int((NR + 1) / 2)]; printf "%-42s %7.1f MB/s median (%.2f s), best %.2f s of %d\n", label, s / 1e6 / m, m, v[1], NR }'
}
report "publisher (copy + md5 + fsync + links):" "${publish[@]}"
report "cp (floor):" "${copy[@]}"
report "cp + fsync (floor with durability):" "${copy_sync[@]}"
