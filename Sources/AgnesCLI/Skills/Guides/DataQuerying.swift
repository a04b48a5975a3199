extension BundledSkill {
    /// How to find, query and slice the data an analyst may read.
    static let dataQuerying = BundledSkill(
        name: "agnes-data-querying",
        summary: "Query Agnes data: discover tables, query locally or on the server, fetch filtered snapshots",
        body: #"""
        # Querying Agnes data

        Use this whenever a question needs Agnes data. Always: discover -> pull -> pick the tool -> query -> clean up.

        ## 1. Discover what you may read

        ```bash
        agnes catalog                  # id, source_type, query_mode, sql_flavor, name of every table you may read
        agnes catalog --json           # the same plus description and fetch_via
        agnes schema orders            # columns and types
        agnes describe orders -n 5     # columns plus 5 real rows (1-100)
        agnes explore orders           # row count, columns and 5 rows of your local copy
        agnes explore orders --remote  # the server's profile of the table (per-column statistics)
        agnes catalog --metrics        # shared metric definitions; add --show <category>/<name> for one
        ```

        `agnes catalog` always asks the server, which reads its registry every time (`--refresh` only tells a
        proxy in between not to answer from a copy). Never write `SELECT *` over a table you have not looked at. A table that is not in the catalog is either not registered or not
        granted to you: tell the user and ask an Agnes admin (see `agnes skills show agnes-table-registration`).

        ## 2. Make sure the local copy is current

        ```bash
        agnes pull            # downloads only tables whose content changed (Claude Code's SessionStart hook runs it)
        agnes pull --dry-run  # what would change, writing nothing
        agnes status          # what the workspace holds and when it last pulled
        ```

        Pulled tables are `server/parquet/<table>.parquet`, each with a view in `user/duckdb/analytics.duckdb`.

        ## 3. Pick the tool

        | need | command |
        |---|---|
        | any question over the tables you pulled | `agnes query "SQL"` (local, read-only) |
        | the server's current data without pulling | `agnes query --remote "SQL"` |
        | a filtered slice of a big table, reused across questions | `agnes snapshot create` |

        Every table is served from the server's DuckDB: write DuckDB SQL (`sql_flavor` is `duckdb`). Keboola tables,
        materialized ones included, are ordinary tables here; `remote` tables and BigQuery are not available yet.

        ## 4. Query

        ```bash
        agnes query "SELECT status, count(*) AS n FROM orders GROUP BY ALL ORDER BY n DESC"
        agnes query --sql "SELECT * FROM customers WHERE country = 'CZ'" --limit 50 --format csv > cz.csv
        echo '{"sql": "SELECT 42 AS answer"}' | agnes query --stdin --format json
        agnes query --remote "SELECT date_trunc('month', created_at) AS m, sum(amount) FROM orders GROUP BY ALL"
        ```

        - Give the SQL exactly once: argument, `--sql`, or `--stdin` (JSON `{"sql": ...}` or plain text).
        - `--limit` defaults to 1000 rows; `--format table|json|csv`. With json/csv a cut result prints
          `(truncated at N rows)` on standard error: aggregate instead of raising the limit blindly.
        - The local database is opened read-only. `--remote` runs exactly one SELECT in a sandbox that holds only
          the tables you may read, for at most `api.query.timeout_seconds` (30 s) and `api.query.max_limit` rows.

        ## 5. Snapshots: a filtered slice, kept locally

        A snapshot fetches part of a server table through `POST /api/v2/scan` into `user/snapshots/<name>.parquet`
        and adds a view `<name>` to your local DuckDB. Use it when you only need some rows or columns of a big table.

        ```bash
        agnes snapshot list                                   # reuse one before fetching again
        agnes snapshot create events --select event_date,country,user_id \
            --where "event_date >= DATE '2026-01-01' AND country = 'CZ'" --estimate   # size only, fetches nothing
        agnes snapshot create events --select event_date,country,user_id \
            --where "event_date >= DATE '2026-01-01' AND country = 'CZ'" --as cz_events
        agnes query "SELECT event_date, count(*) FROM cz_events GROUP BY ALL ORDER BY 1"
        agnes snapshot refresh cz_events                      # fetch again (optionally --where with a new predicate)
        agnes snapshot drop cz_events                         # when the topic is done
        agnes snapshot prune --older-than 7d --larger-than 1g --dry-run
        agnes disk-info                                       # snapshot space vs. AGNES_SNAPSHOT_QUOTA_GB (10)
        ```

        - `create` prints the server's estimate first (upper bounds: the predicate is not evaluated) unless
          `--no-estimate`; `--estimate` stops there. Bound the result with `--select`, `--where`,
          `--order-by "col DESC"` and `--limit N`.
        - Name it with `--as NAME` (letters, digits, underscores; not starting with a digit; default: the table
          id). A snapshot name that exists is refused (exit 6) unless `--force`; the name of a pulled table or of
          your own table is always refused (exit 6), so a pulled table is never shadowed: pick another `--as`.
        - `--where` is a DuckDB predicate over that table's own columns: comparisons, AND/OR/NOT, IN, BETWEEN,
          LIKE/ILIKE, CASE, casts to scalar types, and scalar functions such as lower, upper, trim, date_trunc,
          year, month, strftime, coalesce, abs, round. No subqueries, other tables, aggregates, window functions or
          parameters: those are refused with `validator_rejected` and a kind (`parse_error`, `multi_statement`,
          `disallowed_node`, `nested_select`, `cross_table_reference`, `unknown_function`, `unknown_column`,
          `too_complex`).
        - Quotas per user (`api.scan.*`): 5 scans at once and 50 GiB a day; a result is cut at 2 GiB.

        Snapshot exit codes: 2 bad input (bad column, predicate or name), 3 rate limited or quota used up (wait and
        retry), 5 server error, 6 already exists, 7 not signed in or server unreachable, 8 forbidden or not found.

        ## 6. When something fails

        | message or exit code | what to do |
        |---|---|
        | `no local database at ...` | `agnes pull` in the workspace |
        | exit 2, DuckDB's error text | fix the SQL; check names with `agnes schema` |
        | exit 7 | `agnes diagnose`; sign in again (`agnes auth login`) if the token expired |
        | exit 8 on a table | not granted to you (or no such id): ask an Agnes admin, do not work around it |
        | exit 5 from `agnes catalog` | the catalog could not be fetched: `agnes diagnose` |

        More in `agnes skills show troubleshoot`.
        """#)
}
