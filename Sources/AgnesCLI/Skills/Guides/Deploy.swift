extension BundledSkill {
    /// How to build, configure, run and upgrade an Agnes server.
    static let deploy = BundledSkill(
        name: "deploy",
        summary: "Run an Agnes server: build, configure, start, put behind TLS, upgrade and back up",
        body: #"""
        # Deploying an Agnes server

        Use this to install or operate the server. The `agnes` binary is both the server (`agnes serve`) and the
        CLI. It serves plain HTTP; TLS comes from a reverse proxy in front of it.

        ## 1. Build (Debian with Swift 6.3 and Python 3)

        ```bash
        git clone <your Agnes repository> /opt/agnes && cd /opt/agnes
        scripts/setup.sh                       # idempotent: libpython3.11, libargon2-dev, DuckDB 2.0.1 into .duckdb/
        swift build -c release --product agnes
        BIN="$(swift build -c release --show-bin-path)/agnes"
        ```

        The binary loads DuckDB from `/opt/agnes/.duckdb/lib` (an rpath set at link time): keep that directory at
        the same path on the server, and Debian's `libpython3.11` installed. To try everything on one machine:
        `scripts/start.sh` (builds and runs `agnes serve --demo` with demo data on http://127.0.0.1:8000).

        ## 2. Configure

        ```bash
        cp config/instance.yaml.example config/instance.yaml    # every key optional; see comments in the file
        cp config/.env.template /etc/agnes.env                  # fill in, keep private (chmod 600)
        ```

        Agnes reads its environment, not a `.env` file: load the file into the environment (systemd's
        `EnvironmentFile=`, or `set -a; . /etc/agnes.env; set +a` in a shell).

        - `DATA_DIR` (default `./data`): the system store `state/system.duckdb`, `sources/local/`, `extracts/`,
          `analytics/`, uploads. `CONFIG_DIR` (default `./config`): where `instance.yaml` is.
        - `JWT_SECRET_KEY` and `SESSION_SECRET`: `openssl rand -hex 32` each (a JWT secret under 32 bytes stops
          start-up). Left unset, they are generated once into `DATA_DIR/state/`.
        - `SERVER_URL=https://agnes.example.com`: required once mail is configured (links are built from it), and
          used for Google sign-in's redirect URI.
        - `SEED_ADMIN_EMAIL` / `SEED_ADMIN_PASSWORD`: the first admin, created at start-up.
        - Mail (`SMTP_*` or `SENDGRID_API_KEY`), Google sign-in (`GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`):
          see `agnes skills show security` and `notifications`.
        - Admin changes made through `POST /api/admin/server-config` go to `DATA_DIR/state/instance.yaml`, merged
          over your file at the next start. A bad value stops start-up naming the file and key.

        ## 3. Check, then start

        ```bash
        DATA_DIR=/data CONFIG_DIR=/opt/agnes/config "$BIN" doctor          # DuckDB, configuration, store (migrates it)
        DATA_DIR=/data CONFIG_DIR=/opt/agnes/config "$BIN" serve --host 127.0.0.1 --port 8000
        curl -s http://127.0.0.1:8000/api/health                           # {"status":"ok", ...}
        ```

        On start the server opens the store (creating or migrating it), syncs the local folder, rebuilds the
        analytics database and starts the scheduler. SIGTERM or SIGINT stop it gracefully. It logs one line per
        request on standard error (level from `LOG_LEVEL`) with its `request_id`, which every answer carries in
        its `x-request-id` header.
        Run it under your process supervisor (for example a systemd service with `EnvironmentFile=/etc/agnes.env`
        and `ExecStart=<BIN> serve --host 127.0.0.1 --port 8000`, `Restart=on-failure`).

        Only one server may use a data directory (the store is locked). Start-up exit codes: 2 configuration,
        3 system store, 4 DuckDB (run `scripts/setup.sh`).

        ## 4. TLS and proxies

        Put a reverse proxy (any that terminates TLS) in front and forward to 127.0.0.1:8000. Then set
        `SERVER_URL` to the public https URL, `AGNES_TRUSTED_PROXIES` to the proxy's address (IPs or CIDRs) so
        rate limits see real client addresses, and `CSRF_TRUSTED_ORIGINS` only if pages of another origin must post
        with the sign-in cookie. Connection limits: `server.http.header_timeout_seconds` (10),
        `idle_timeout_seconds` (75), `max_connections` (1024).

        ## 5. First admin and data

        ```bash
        agnes setup bootstrap admin@example.com --server https://agnes.example.com   # if no SEED_ADMIN_* was set
        agnes setup first-sync
        agnes setup verify
        ```

        Then follow `agnes skills show setup` (users, groups, grants, analysts' workspaces).

        ## 6. Scheduler

        The server runs its own jobs (`data-refresh` every 15 min, `health-check` every 5 min). To drive them from
        a separate process instead, set `scheduler.enabled: false` and run
        `SCHEDULER_API_TOKEN=<32+ characters> agnes scheduler --url http://127.0.0.1:8000` (the same token in the
        server's environment).

        ## 7. Upgrade and back up

        1. Build the new version (step 1) and stop the server.
        2. Copy `DATA_DIR` while it is stopped: `state/` (store, secrets, overlays) and `sources/local/` are what
           cannot be rebuilt; `extracts/` and `analytics/` are rebuilt by syncs.
        3. `agnes doctor` migrates the store, keeping `state/system.duckdb.pre-migrate-v<N>`; a store of the
           original Python Agnes (schema 24) migrates the same way. A store from a newer Agnes is refused.
        4. Start the server again and check `/api/health` and `agnes setup verify`.

        Offline maintenance: `agnes rebuild --data-dir /data` syncs and rebuilds a stopped server;
        `agnes admin break-glass grant-admin you@example.com --data-dir /data` restores admin access.

        ## Not available yet in this version

        Docker images and Compose files, the Caddy TLS profile, Terraform/Kamal deployment, and the
        `agnes server status|logs|restart|deploy|rollback|backup` commands.
        """#)
}
