extension BundledSkill {
    /// Which data sources this version syncs, how sync runs work, and how a new connector fits in.
    static let connectors = BundledSkill(
        name: "connectors",
        summary: "Data sources: the local-folder connector, sync runs and schedules, and adding a connector",
        body: #"""
        # Connectors: where the server's tables come from

        Use this to understand or operate how data gets into Agnes, or to add a source. A connector brings one
        source's tables into `DATA_DIR/extracts/<source>/` (`extract.duckdb` plus `data/*.parquet`); after each run
        that changed anything, the server rebuilds `DATA_DIR/analytics/server.duckdb` and profiles changed tables.

        ## What is available in this version

        | source | state |
        |---|---|
        | `local` (files in `DATA_DIR/sources/local/`) | available: CSV, TSV, JSON, NDJSON/JSONL, Parquet |
        | Keboola | available: full, incremental and partitioned sync with real types, materialized SQL; remote tables not yet |
        | BigQuery (remote and materialized tables) | configuration and registration only; not available yet |
        | Jira (webhooks, incremental parquet) | not available yet in this version |
        | custom connectors (programs in `CONNECTORS_DIR/<name>/`) | available: see below |
        | OpenMetadata catalog export | available: the `catalog-export` job (docs and metrics into the catalog) |

        ### The local folder

        - Every file there is a table whose id comes from the file name (lowercase letters, digits, single
          underscores). A name that gives no id, or an id another file already gives, is reported and skipped.
        - DuckDB infers the schema; the result is published as parquet with a content hash (the manifest's `hash`
          that `agnes pull` compares). Unchanged files are not converted again.
        - A file that cannot be read fails only its own table, which keeps serving its last good version.
        - New files are registered by the next run; admins can also upload (`POST /api/upload/table`) or register
          explicitly: see `agnes skills show agnes-table-registration`.

        ### Custom connectors

        - Each directory of `CONNECTORS_DIR` (default `connectors/custom` next to `CONFIG_DIR`) is a source named by
          the directory (`^[a-zA-Z_][a-zA-Z0-9_]{0,63}$`, not `local`, `keboola`, `bigquery`, `jira`). Read at
          start-up: restart the server after adding one. `connectors/custom/sample/` in the repository is a template.
        - The program (`./extractor`, or `python3 ./extractor.py`, or `command` in `connector.yaml`) runs in a fresh
          working directory (`$AGNES_OUTPUT_DIR`) with only `PATH`, `LANG`, its own `HOME`/`TMPDIR` and the variables
          `env:` in `connector.yaml` names, for at most `timeout_seconds` (600). It writes `extract.duckdb` (`_meta`
          plus one view `SELECT * FROM read_parquet('data/<table>.parquet')` or one table per row) and `data/`.
        - Agnes refuses output that breaks the contract (bad or duplicate names, missing `_meta` columns or views,
          symbolic links, views reading files outside the directory, `_remote_attach` off the allowlists, remote
          mode), then publishes the data itself. Its tables are registered automatically.
        - A failure (`failed: the connector exited with status N: <its stderr>`, the timeout, or the refusal's
          reason) fails only that connector's tables; their last good data keeps serving.

        ### Keboola

        - Connect: `POST /api/admin/configure` with `keboola_url` and `keboola_token` (checked first, used at once),
          or `data_source.keboola.stack_url` plus the token in `KEBOOLA_STORAGE_TOKEN`.
        - Register: `POST /api/admin/discover-and-register` (ids like `in_c_sales_orders`), or one table with
          `bucket` and `source_table`. `GET /api/admin/discover-tables` lists what the token can read.
        - Tables are exported through the Storage API and typed from Keboola's column metadata (INTEGER, NUMERIC(p,s),
          FLOAT, BOOLEAN, DATE, TIMESTAMP, STRING). `sync_strategy`: `full_refresh`, `incremental` (needs a primary
          key; merges changes, drops rows deleted in Keboola), `partitioned` (needs `partition_by`).
        - `query_mode: materialized` with `source_query` (Snowflake SQL over `"in.c-sales"."orders"`) runs in
          Keboola's Query Service and lands as a table (hourly unless `sync_schedule` says otherwise).
        - `query_mode: remote` is not available yet: its runs say so. Tell users plainly.
        - A failing table says why in its run outcome and keeps serving its previous data.

        ### BigQuery today

        `POST /api/admin/configure` records the project; BigQuery tables can be registered, but a run records each
        as `skipped: no bigquery connector is configured on this server`. Tell users plainly they have no data yet.

        ## Sync runs

        - The scheduler's `data-refresh` job starts a run every 15 minutes (`scheduler.jobs.data-refresh.schedule`
          in `instance.yaml`, or `SCHEDULER_DATA_REFRESH_INTERVAL` in seconds). A run syncs the **due** tables: a
          table without `sync_schedule` is due every run; `every 1h` or `daily 03:00` (UTC) when its last
          successful check is that old.
        - Start one now (admin): `agnes setup first-sync` (every due table), or
          `curl -X POST -H "Authorization: Bearer $TOKEN" -d '["orders"]' "$AGNES_SERVER/api/sync/trigger"` for
          named tables whatever their schedules. It answers at once with a `run_id`; one run works at a time and a
          trigger during a run joins the one queued behind it.
        - Follow it: `GET /api/sync/runs` (latest runs) and `GET /api/sync/runs/{id}` (every table's outcome:
          `synced`, `unchanged: ...`, `skipped: ...`, `failed: <cause>`), or `agnes admin list-tables` for each
          table's `last_sync_error`. History is kept `sync.history_retention_days` (30).
        - A connector that runs longer than `sync.connector_timeout_seconds` (1800) is recorded as failed.
        - With `sync.alert_webhook_url` set, a run with failures is POSTed there as JSON (see `notifications`).
        - `GET /api/admin/scheduler/jobs` lists the jobs; `POST /api/admin/scheduler/jobs/data-refresh/run` runs
          one now (409 while it runs).
        - A stopped server can be synced and rebuilt offline: `agnes rebuild --data-dir /data` (prints JSON).

        ## Adding a connector (developers)

        Connectors are Swift types in the `AgnesConnectors` module, one folder per source
        (`Sources/AgnesConnectors/LocalFiles/` is the model to copy):

        1. Conform to the `Connector` protocol (`Sources/AgnesConnectors/Protocol/Connector.swift`):
           `sourceType` (the registry's `source_type` and the extract directory name), `registersDiscoveredTables`,
           `discover()` (what the source offers, for `discover-tables`) and `sync(_:)` (one outcome per due table).
        2. Write the extract through `ExtractWriter` and publish data files through `Publisher` (`AgnesData`):
           a `_meta` row and a view per table; tables not due keep their data, `_meta` row and view; a failing
           table keeps its previous data and never takes down the others.
        3. Add it to the pipeline's connector list in `Sources/AgnesServer/Startup/AgnesServices.swift`.
        4. Read credentials from the environment (`settings.environment`, which includes `.env_overlay`), never
           from `extract.duckdb`; list new variables in `config/.env.template`.
        5. Test against a fake of the source's real HTTP API on 127.0.0.1, not a mock of our own code.

        After that, `source_type` values of that connector sync like the local folder, and analysts get the
        tables through the usual manifest and `agnes pull`.
        """#)
}
