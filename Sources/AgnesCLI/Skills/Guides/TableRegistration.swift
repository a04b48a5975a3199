extension BundledSkill {
    /// How admins put tables into the registry, share them, change and remove them.
    static let tableRegistration = BundledSkill(
        name: "agnes-table-registration",
        summary: "Admins: register, upload, grant, update and remove tables so analysts can query them",
        body: #"""
        # Registering tables in Agnes

        Use this when a table should appear in `agnes catalog`. Every step needs an admin (a member of the `Admin`
        group): `agnes auth whoami --verify` prints `Admin: yes`. Without a grant, nobody but admins sees a table.

        ## Where tables come from in this version

        The **local folder**: every `.csv`, `.tsv`, `.json`, `.ndjson`,
        `.jsonl` or `.parquet` file in `DATA_DIR/sources/local/` becomes a table (id derived from the file name)
        at the next sync run, registered by `system:local-source`. **Keboola** tables sync once Keboola is configured
        (see `agnes skills show connectors`); custom connectors register their own tables. BigQuery and Jira
        tables can be registered, but syncing them is not available yet in this version.

        ## Three ways to add a table

        ```bash
        # 1. Upload a file (admin; .csv or .parquet, at most api.upload.max_table_bytes = 512 MiB).
        #    Stores it in sources/local, syncs, registers and rebuilds; answers {table_id, rows, hash, size_bytes, ...}.
        curl -sS -H "Authorization: Bearer $TOKEN" -F file=@orders_2026.csv -F table_name=orders \
            "$AGNES_SERVER/api/upload/table"

        # 2. Copy the file into DATA_DIR/sources/local/ on the server; the next run (every 15 min) picks it up,
        #    or start one now:
        agnes setup first-sync

        # 3. Register explicitly, to give a file another id, a description or a schedule from the start:
        agnes admin register-table orders --source-type local --source-table orders_2026.csv \
            --description "One row per order since 2026-01-01" --sync-schedule "every 1h" --dry-run
        agnes admin register-table orders --source-type local --source-table orders_2026.csv \
            --description "One row per order since 2026-01-01" --sync-schedule "every 1h"
        ```

        `$TOKEN` is an admin's personal access token (`agnes auth token create --name admin-curl --raw`).
        A file the folder already registered under its own id keeps it: change that registration with `PUT`
        (below) instead of registering the file a second time.

        - The id is the name trimmed, lower-cased, spaces as `_` ("Daily Sales" -> `daily_sales`). It names the
          view, the file, the grant and the download, so it must be lowercase letters, digits and single
          underscores, starting with a letter, at most 63 characters.
        - `--source-table` defaults to the name; for `local` it is a file name in `sources/local` or the id it gives.
        - `--dry-run` asks `POST /api/admin/register-table/precheck` (for a local file it reads the columns).
        - `--sync-schedule`: `every 30m`, `every 6h`, `daily 06:00` or `daily 06:00,18:00` (UTC). Without one, the
          table is due at every run.
        - `--query-mode materialized --query @file.sql` makes a Keboola table from Snowflake SQL run by Keboola;
          `remote` (and BigQuery) is not available yet in this version.
        - The server syncs a newly registered table at once (the run's `run_id` is in the `--json` answer).

        ## Let analysts read it

        ```bash
        agnes admin group create analysts --description "Sales analysts"
        agnes admin group add-member analysts ana@example.com
        agnes admin grant create analysts table orders
        agnes admin grant list --group analysts
        ```

        Analysts then run `agnes pull` (or start a Claude Code session) and see it in `agnes catalog`.

        ## Check it

        ```bash
        agnes admin list-tables                       # id, source, mode, last_sync_error
        curl -sS -H "Authorization: Bearer $TOKEN" "$AGNES_SERVER/api/sync/runs/<run_id>"   # every table's outcome
        agnes schema orders
        ```

        Outcomes read `synced`, `unchanged: its file did not change`, `skipped: not due (...)` or `failed: <cause>`.
        A failing table keeps serving its last good data.

        ## Document columns

        ```bash
        agnes admin metadata-show orders                   # column descriptions and base types
        agnes admin metadata-apply proposal.json --dry-run      # what a proposal file would change
        agnes admin metadata-apply proposal.json
        ```

        The server side is `GET`/`POST /api/admin/metadata/{table_id}`; `agnes admin metadata-apply --help` gives
        the proposal file's shape.

        ## Change or remove a registration (no CLI command yet: use the API)

        ```bash
        curl -sS -X PUT -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
            -d '{"description": "Orders, deduplicated", "sync_schedule": "daily 06:00"}' \
            "$AGNES_SERVER/api/admin/registry/orders"    # fields given replace the stored ones
        curl -sS -X DELETE -H "Authorization: Bearer $TOKEN" "$AGNES_SERVER/api/admin/registry/orders"
        ```

        Deleting (204) removes the table's data, view, sync state, history and grants, and for a local table its
        input file in `sources/local` (unless another registration reads it), so the next run does not bring it back.
        Analysts' next `agnes pull` removes their copy.

        ## What the folder offers

        ```bash
        curl -sS -H "Authorization: Bearer $TOKEN" "$AGNES_SERVER/api/admin/discover-tables?source_type=local"
        curl -sS -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
            -d '{"source_type": "local", "dry_run": true}' "$AGNES_SERVER/api/admin/discover-and-register"
        ```

        ## Errors

        | answer | exit | meaning |
        |---|---|---|
        | 422 `name: ... is not a valid table name` | 2 | pick a name whose id follows the rule above |
        | 422 `source_type: keboola is not configured on this server` | 2 | only configured sources; `local` always is |
        | 409 `Already exists: Table '<id>' is already registered` | 6 | `agnes admin list-tables`; change it with PUT |
        | 403 | 8 | you are not an admin |
        | 413 on upload (curl) | - | the file is over `api.upload.max_table_bytes` |
        """#)
}
