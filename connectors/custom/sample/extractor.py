#!/usr/bin/env python3
"""The sample custom connector of Agnes: writes two tables by the extract contract.

Agnes runs it with its working directory set to a fresh, empty output directory (also in
AGNES_OUTPUT_DIR). It writes there:

    extract.duckdb      _meta (one row per table) and one view or table per row
    data/*.parquet      the data the views read, by paths relative to the output directory

Agnes checks the result (names, _meta, views reading only files inside the directory, no symbolic
links, _remote_attach on the allowlists), then publishes it as the source "sample" (the directory's
name). Anything printed to standard error is quoted in the sync history when the run fails.
"""
import datetime
import os
import sys

try:
    import duckdb
except ImportError:
    sys.exit("the sample connector needs the duckdb Python package (pip install duckdb), "
             "or set command in connector.yaml to a python3 that has it")

output = os.environ.get("AGNES_OUTPUT_DIR", os.getcwd())
os.chdir(output)
os.makedirs("data", exist_ok=True)
orders = int(os.environ.get("SAMPLE_ORDER_COUNT", "100"))
now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)

# Build into a temporary file and move it into place: the contract's atomic write.
if os.path.exists("extract.duckdb.tmp"):
    os.remove("extract.duckdb.tmp")
con = duckdb.connect("extract.duckdb.tmp")
con.execute("""
    CREATE TABLE _meta (table_name VARCHAR NOT NULL, description VARCHAR, rows BIGINT,
        size_bytes BIGINT, extracted_at TIMESTAMP, query_mode VARCHAR DEFAULT 'local')
""")

# A fact table: parquet under data/, and a view reading it by its relative path.
con.execute(f"""
    COPY (SELECT range + 1 AS order_id,
                 ['north', 'south', 'east', 'west'][(range % 4) + 1] AS region,
                 round(10 + (range * 37 % 1000) / 10.0, 2)::DECIMAL(10, 2) AS amount,
                 DATE '2024-01-01' + CAST(range % 365 AS INTEGER) AS ordered_on
          FROM range({orders}))
    TO 'data/sample_orders.parquet' (FORMAT parquet)
""")
con.execute("CREATE VIEW sample_orders AS SELECT * FROM read_parquet('data/sample_orders.parquet')")

# A small dimension kept as a table inside extract.duckdb (Agnes converts it to parquet).
con.execute("""
    CREATE TABLE sample_regions AS
    SELECT * FROM (VALUES ('north', 'North'), ('south', 'South'), ('east', 'East'), ('west', 'West'))
        AS t(region, label)
""")

con.executemany(
    "INSERT INTO _meta VALUES (?, ?, ?, NULL, ?, 'local')",
    [("sample_orders", "Orders made up by the sample connector", orders, now),
     ("sample_regions", "Regions of the sample orders", 4, now)])
con.close()
if os.path.exists("extract.duckdb.tmp.wal"):
    os.remove("extract.duckdb.tmp.wal")
os.replace("extract.duckdb.tmp", "extract.duckdb")
print(f"sample connector: {orders} orders, 4 regions", file=sys.stderr)
