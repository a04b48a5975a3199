extension BundledSkill {
    /// Who may do and read what, how credentials work, and the server settings that matter for safety.
    static let security = BundledSkill(
        name: "security",
        summary: "Access control (Admin group, grants), tokens and sessions, sign-in, sandboxing, audit",
        body: #"""
        # Security: access, credentials and protection

        Use this when granting or revoking access, handling tokens, or reviewing how a server is set up.

        ## Access model

        - **Admins** are the members of the `Admin` group; nothing else makes an admin (there is no role field and
          no role in tokens). `agnes admin set-role` was removed and says so (exit 2).
        - **Everyone else** reads a table only through a grant `(group, "table", <table id>)` on one of their
          groups. New users belong to no group; there is no public table and no implicit "everyone".
        - A table you may not read is left out of your catalog and manifest; asking for it anyway (download,
          `/api/query`, scan) is refused with 403 or 404 (exit 8) without saying whether it exists.

        ```bash
        agnes admin add-user ana@example.com --name Ana --invite
        agnes admin group create analysts --description "Sales analysts"
        agnes admin group add-member analysts ana@example.com
        agnes admin grant create analysts table orders          # <group> <resource type> <resource id>
        agnes admin grant list --group analysts
        agnes admin grant delete <grant id>                     # ids from grant list
        agnes admin group add-member Admin bo@example.com       # make an admin
        agnes admin group remove-member Admin bo@example.com
        agnes admin deactivate ana@example.com                  # also ends her sessions
        ```

        `agnes admin grant resource-types` lists `table`, `marketplace_plugin` and `memory_domain`; only table
        grants have an effect in this version (marketplaces and corporate memory are not available yet). What a user
        can reach and through which groups: `GET /api/admin/users/{uid}/effective-access`; your own:
        `GET /api/me/effective-access`.

        Safeguards: nobody deactivates or deletes themselves or the last active admin (409); accounts and groups
        managed by Google sign-in cannot be changed through the API (409). Locked out of every admin account:
        `agnes admin break-glass grant-admin you@example.com --data-dir /data` with the server stopped.

        ## Credentials

        | credential | how | lifetime |
        |---|---|---|
        | session token | `agnes auth login --email E` (password prompted) or a browser sign-in | 24 h |
        | personal access token (PAT) | `agnes auth token create --name laptop [--ttl 30d]` | 90 days; `--ttl never` |

        - A PAT is shown once; the server keeps only its hash. It can only be created from a session (sign in
          first), not from another PAT. `agnes auth token list` shows yours; `agnes auth token revoke <name|prefix|id>`
          ends one. Admins list and revoke anyone's: `GET /auth/admin/tokens`, `DELETE /auth/admin/tokens/{id}`.
        - `agnes auth logout` only deletes the local `token.json`; it revokes nothing on the server. To end all of
          your sessions: `POST /auth/logout/everywhere`; a password change or reset, and an admin's deactivation of
          the account, end them too. PATs are revoked one by one.
        - On the analyst's machine the token lives in `~/.config/agnes/token.json` (mode 0600, directory 0700).
          Pass secrets through standard input (`--token-stdin`, `--password-stdin`) or the prompt, never as
          arguments, which other users can see in the process list. Never print a token into a chat or a file
          that is pushed.
        - Passwords: at least 8 characters, bcrypt. Invitation links last 7 days, reset links 24 h, mailed sign-in
          links 1 h; each works once.

        ## Sign-in options (server)

        - Password, and mailed sign-in links when mail is configured (see `notifications`).
        - Google: set `GOOGLE_CLIENT_ID` and `GOOGLE_CLIENT_SECRET`; the redirect URI is
          `<SERVER_URL>/auth/google/callback`; `auth.allowed_domain` (comma-separated) limits the email domains.
          Group sync from Google Workspace uses `GOOGLE_ADMIN_SDK_SUBJECT` with `GOOGLE_APPLICATION_CREDENTIALS`,
          `AGNES_GOOGLE_GROUP_PREFIX`, `AGNES_GROUP_ADMIN_EMAIL` and `AGNES_GROUP_EVERYONE_EMAIL`.

        ## Server settings that matter

        | setting | rule |
        |---|---|
        | `JWT_SECRET_KEY` | at least 32 bytes, else no start; unset: generated into `DATA_DIR/state/.jwt_secret` |
        | `SCHEDULER_API_TOKEN` | at least 32 characters, else ignored (with a warning); it acts as an admin: guard it |
        | `LOCAL_DEV_MODE` | turns authentication off for everyone: never on a shared server |
        | `DEBUG` | shows error details to clients: development only |
        | `AGNES_AUTH_RATELIMIT_ENABLED` | keep on: per client, sign-in 10/min, bootstrap 3/min, mail 5/min (429) |
        | `AGNES_TRUSTED_PROXIES` | only your reverse proxies; their `X-Forwarded-For` names the client |
        | `CORS_ORIGINS` | pages that may read answers with the sign-in cookie (default localhost:3000, :8000; no `*`) |
        | `CSRF_TRUSTED_ORIGINS` | other origins that may post with the sign-in cookie (`CORS_ORIGINS` never may) |
        | `AGNES_OUTBOUND_ALLOWED_HOSTS` | internal hosts admin-given URLs may reach (others must be public) |

        Secrets given through `POST /api/admin/configure` go to `DATA_DIR/state/.env_overlay` (mode 600), never to
        YAML; `GET /api/admin/server-config` shows secrets as `***`.

        ## Built-in protection

        - `/api/query` runs exactly one SELECT (DuckDB's own parser decides) in a sandbox that holds only the
          caller's tables, with file and network access off, memory, thread and time limits (`api.query.*`).
        - Scan predicates (`agnes snapshot create --where`) are parsed, checked node by node against an allow-list
          and re-rendered; the raw text never reaches SQL.
        - Every response has `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` and
          `Referrer-Policy: same-origin`; cookie-authenticated writes need a same-origin `Origin`.

        ## Audit

        Every sign-in, token operation and admin action writes a row to `audit_log` in
        `DATA_DIR/state/system.duckdb`, secrets redacted. No command or route lists it yet in this version: read it
        with DuckDB on the server while Agnes is stopped (the store allows one process at a time).

        Not available yet in this version: the script sandbox (deployed scripts), Jira webhook signatures,
        marketplace feeds, and web pages for managing users, groups, grants and tokens (use the CLI).
        """#)
}
