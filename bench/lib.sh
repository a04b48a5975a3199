# Shared by the bench scripts: source it after `cd "$ROOT"`.

# Generates bench/data/publish_1gb.parquet (random, incompressible) once; prints its path.
ensure_big_parquet() {
    local big="$ROOT/bench/data/publish_1gb.parquet"
    if [ ! -f "$big" ]; then
        echo "generating a 1 GB parquet (random, incompressible) ..." >&2
        local venv="$ROOT/.duckdb/venv"
        if [ ! -x "$venv/bin/python" ]; then
            python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --no-index "$ROOT"/.duckdb/wheel/duckdb-*.whl
        fi
        "$venv/bin/python" -c "
import duckdb
duckdb.sql(\"COPY (SELECT random() AS a, random() AS b, hash(range) AS c, random() AS d FROM range(32000000)) TO '$big' (FORMAT parquet, COMPRESSION uncompressed)\")
" >&2  # DuckDB's progress bar goes to stdout, which must carry the path alone
    fi
    echo "$big"
}
