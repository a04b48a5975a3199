extension BundledSkill {
    /// What to run first when something is wrong, what each exit code means, and the usual fixes.
    static let troubleshoot = BundledSkill(
        name: "troubleshoot",
        summary: "Diagnose problems: the checks to run, exit codes, and fixes for common failures",
        body: #"""
        # Troubleshooting Agnes

        Use this when a command fails or data looks wrong. Every failure prints `error: <cause>` and usually
        `hint: <what to do>` on standard error: read the hint first.

        ## First, look

        ```bash
        agnes diagnose            # server reachable, token valid, server health, tables stale/missing/interrupted
        agnes diagnose --json     # the same for a program, or to attach to a report
        agnes status              # the workspace from local files only
        agnes auth whoami --verify   # whose token, which server, expiry, admin or not
        agnes diagnose system     # this machine: config, token expiry, server and its services, local DB, disk
        agnes disk-info           # space used by snapshots and tables, free space
        agnes setup verify        # admins: the whole server end to end
        ```

        ## Exit codes (every client command)

        | code | meaning | usual fix |
        |---|---|---|
        | 0 | ok | |
        | 1 | failed: a table did not pull, not configured, workspace state, local I/O, disk full | read the error |
        | 2 | bad input: usage, HTTP 400/422, SQL that DuckDB refused | fix the command or SQL |
        | 3 | rate limited or quota used up (429) | wait (`Retry-After`), narrow the request |
        | 5 | server error (5xx), unreadable answer; `agnes catalog`: any fetch error | `agnes diagnose`, server log |
        | 6 | already exists (409) | use the existing thing, or `--force` where offered |
        | 7 | not signed in (401) or server unreachable | see below |
        | 8 | forbidden or not found (403/404) | ask an admin for a grant; check the id |
        | 9 | anything else | |

        The server commands (`serve`, `doctor`, `rebuild`) use 2 for configuration, 3 for the system store and 4
        for DuckDB.

        ## Common problems

        **`cannot reach the server at ...` (exit 7).** Check which URL is used (`agnes diagnose` says where it came
        from: `--server`, `AGNES_SERVER`, `config.yaml`), then `curl -s <url>/api/health`. Fix the URL with
        `agnes setup init --server URL` or `AGNES_SERVER`.

        **`the token is missing, invalid, expired or revoked` (exit 7).** Session tokens last 24 h:
        `agnes auth login --email E`. For a lasting one: `agnes auth token create --name laptop --raw |
        agnes auth import-token --token-stdin`. `no token configured`: run `agnes init` or set `AGNES_TOKEN`.

        **A table is missing from the catalog, or exit 8 on it.** You have no grant (or the id is wrong). Ask an
        admin: `agnes admin grant create <group> table <id>`. Admins: `agnes admin list-tables`.

        **`pull failed for N tables: ...` (exit 1).** Each table that failed keeps its previous file; the message
        names the cause.
        - `no space left` / disk full: `agnes disk-info`, then `agnes snapshot prune --older-than 7d` or free space.
        - Interrupted downloads (`.parquet.part`) resume on the next `agnes pull`.
        - Files changed locally, or a hash mismatch: `agnes pull --verify` re-checks every file and re-fetches
          damaged ones.

        **`no local database at ...`.** Run `agnes pull` in the workspace (or set `AGNES_LOCAL_DIR`).

        **Data looks old.** `agnes diagnose` lists tables stale on the server (not synced for 24 h). Admins:
        `agnes admin list-tables` (`last_sync_error`), `GET /api/sync/runs` and `/api/sync/runs/{id}` for each
        table's outcome, `agnes setup first-sync` to sync now. A table of a Keboola, BigQuery or Jira source never
        syncs in this version (`skipped: no keboola connector is configured on this server`): not a fault.

        **`agnes query --remote` is slow or stopped.** It runs at most `api.query.timeout_seconds` (30 s) and
        returns at most `api.query.max_limit` rows: aggregate on the server, or pull and query locally.

        **Snapshot refused.** Exit 2 with `validator_rejected` and a kind: the `--where` uses something outside the
        allow-list (see `agnes-data-querying`). Exit 3: 5 scans at once or 50 GiB a day per user; wait.

        **`agnes push` failed (exit 1).** Each failed file is named; 413 means a file over 50 MB.

        ## Server side (admins)

        - It will not start: the first lines name the file, key or variable at fault (for example
          `config/instance.yaml: remote_query.timeout_seconds: expected a positive integer, got "abc"`).
          `agnes doctor` checks DuckDB, configuration and the store without serving.
        - Exit 3 `... locked`: only one agnes server may use a data directory; find the other process.
        - Exit 4: the DuckDB library is missing; run `scripts/setup.sh`.
        - A 500 answer carries a `request_id`; find the same id in the server's log on standard error.
        - Jobs: `GET /api/admin/scheduler/jobs`; run one now with `POST /api/admin/scheduler/jobs/<name>/run`.
        - No admin can sign in: `agnes admin break-glass grant-admin you@example.com --data-dir /data`, server
          stopped.

        ## Escalating

        Send the admin `agnes diagnose --json`, the exact command and its `error:`/`hint:` lines, and the time it
        happened (server log lines are UTC). Never include tokens or passwords.

        Not available yet in this version: `agnes server logs|status|restart` (read the server's standard error
        wherever your supervisor keeps it).
        """#)
}
