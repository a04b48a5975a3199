#!/usr/bin/env bash
# DuckDB binding overhead: a 1M-row aggregate over parquet through our Swift binding, next to the same
# query in the duckdb Python package (same wheel, same threads) as the floor, in one run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
ITERATIONS="${ITERATIONS:-30}"
DATA="$ROOT/bench/data"
mkdir -p "$DATA"

# The floor's interpreter: a venv with the very wheel the binding links.
VENV="$ROOT/.duckdb/venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --no-index "$ROOT"/.duckdb/wheel/duckdb-*.whl
fi

PARQUET="$DATA/aggregate_1m.parquet"
if [ ! -f "$PARQUET" ]; then
    "$VENV/bin/python" - "$PARQUET" <<'PY'
import sys, duckdb
duckdb.sql(f"""
    COPY (SELECT range AS id, 'category_' || (range % 50) AS category,
                 (random() * 1000)::DECIMAL(12,2) AS amount, (range % 17)::INTEGER AS quantity
          FROM range(1000000)) TO '{sys.argv[1]}' (FORMAT parquet)
""")
PY
fi

swift build -c release --product agnes-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)/agnes-bench"

ROUNDS="${ROUNDS:-5}"
echo "1M-row GROUP BY over parquet: $ROUNDS interleaved rounds of $ITERATIONS runs each, threads=2"
swift_medians=(); python_medians=()
for round in $(seq "$ROUNDS"); do
    swift_line="$("$BIN" aggregate "$PARQUET" "$ITERATIONS")"
    python_line="$("$VENV/bin/python" bench/duckdb_aggregate.py "$PARQUET" "$ITERATIONS")"
    echo "  round $round: $swift_line | $python_line"
    swift_medians+=("$(echo "$swift_line" | awk '{print $3}')")
    python_medians+=("$(echo "$python_line" | awk '{print $3}')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
swift_ms="$(median "${swift_medians[@]}")"
python_ms="$(median "${python_medians[@]}")"
echo "  swift binding (median of round medians): $swift_ms ms"
echo "  python duckdb, the floor (same):         $python_ms ms"
awk -v s="$swift_ms" -v p="$python_ms" 'BEGIN { printf "  overhead of the Swift binding over the floor: %+.1f%% (target < 5%%)\n", (s - p) / p * 100 }'

echo "Interrupt: a never-ending query stopped by task cancellation (${INTERRUPTS:-20} runs)"
"$BIN" interrupt "${INTERRUPTS:-20}"
