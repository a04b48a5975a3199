"""The floor for bench/duckdb.sh: the same aggregate through the duckdb Python package."""
import sys
import time

import duckdb

path, iterations = sys.argv[1], int(sys.argv[2])
sql = """
    SELECT category, count(*) AS n, sum(amount) AS total, avg(quantity) AS mean_quantity
    FROM read_parquet(?) GROUP BY category ORDER BY category
"""
connection = duckdb.connect(config={"threads": 2})
samples = []
groups = 0
for _ in range(iterations + 2):
    start = time.perf_counter_ns()
    rows = connection.execute(sql, [path]).fetchall()
    samples.append((time.perf_counter_ns() - start) / 1e6)
    groups = len(rows)
samples = sorted(samples[2:])
print(f"python-duckdb  median {samples[len(samples) // 2]:.2f} ms  min {samples[0]:.2f} ms  ({groups} groups, {len(samples)} runs)")
