extension BundledSkill {
    /// First steps: the first admin, users and access, and an analyst's workspace.
    static let setup = BundledSkill(
        name: "setup",
        summary: "First steps: first admin, users and grants, then an analyst's workspace with Claude Code",
        body: #"""
        # Setting up Agnes

        Use this right after a server is running (to install one, see `agnes skills show deploy`), and whenever an
        analyst's machine needs a workspace.

        ## A. A new server (admin)

        ```bash
        agnes setup init --server https://agnes.example.com      # saves the URL to ~/.config/agnes/config.yaml
        agnes setup test-connection                              # "... answers: version X"
        ```

        First admin, one of:
        - `SEED_ADMIN_EMAIL` / `SEED_ADMIN_PASSWORD` were set when the server started: sign in with
          `agnes auth login --email admin@example.com`.
        - `agnes setup bootstrap admin@example.com --name Admin` (password prompted, or `--password-stdin`): works
          only while no user has a password; afterwards it is refused (403, exit 8). It signs you in.
        - `agnes serve --demo` on an empty data directory printed a generated password for `admin@localhost`.

        Data and a check of everything:

        ```bash
        agnes setup first-sync        # sync every due table now (files in DATA_DIR/sources/local become tables)
        agnes admin list-tables
        agnes setup verify            # checks the new server end to end
        ```

        Users and access (nobody but admins sees a table without a grant):

        ```bash
        agnes admin add-user ana@example.com --name Ana --invite    # mails the invite, or prints the link
        agnes admin group create analysts
        agnes admin group add-member analysts ana@example.com
        agnes admin grant create analysts table orders
        ```

        Optional: adapt the workspace `CLAUDE.md` every analyst gets (`/api/admin/workspace-prompt-template`, see
        `corporate-memory`) and load metric definitions (`agnes admin metrics import`).

        ## B. An analyst's machine

        1. Get the `agnes` binary (built from the repository: `scripts/setup.sh`, then
           `swift build -c release --product agnes`). Installing the CLI from the server is not available yet in
           this version.
        2. Set a password: open the invite link (or ask an admin for `agnes admin set-password ana@example.com`).
        3. Sign in, create a long-lived token and initialise the workspace in one go:

           ```bash
           agnes auth login --email ana@example.com --server https://agnes.example.com
           agnes auth token create --name laptop --raw \
               | agnes init --server-url https://agnes.example.com --token-stdin --workspace ~/analysis
           ```

           A session token from `agnes auth login` lasts 24 hours; the personal access token (90 days by
           default) is what the workspace should keep. Never pass tokens as arguments.
        4. Work in the workspace: `cd ~/analysis` and start Claude Code there.

        `agnes init` checks the token, saves the server and token, writes `CLAUDE.md` (the server's text, or a
        built-in one), adds Claude Code hooks to `.claude/settings.json` (SessionStart: `agnes pull --quiet`,
        SessionEnd: `agnes push --quiet`; other hooks are kept), creates `.claude/CLAUDE.local.md` for personal
        notes (never overwritten), runs the first pull and writes `AGNES_WORKSPACE.md`. In a workspace that is
        already set up it refuses unless `--force`.

        Check the result:

        ```bash
        agnes status       # workspace, server, token source, tables, last pull, sessions not pushed
        agnes diagnose     # server reachable? token valid? tables current? with what to do
        agnes catalog      # what you may query
        ```

        ## Where things live

        - `~/.config/agnes/` (or `AGNES_CONFIG_DIR`): `config.yaml` (`server:`), `token.json` (mode 0600),
          `push_state.json`.
        - Server: `--server` > `AGNES_SERVER` > `config.yaml` > `http://localhost:8000`. Token: `--token` >
          `token.json` > `AGNES_TOKEN`. Workspace: `--workspace` > `AGNES_LOCAL_DIR` > the current directory.
        - Workspace: `server/parquet/` (pulled tables), `user/duckdb/analytics.duckdb` (views), `user/snapshots/`,
          `.claude/`. Directories appear only when something goes in them.
        - Pull tuning: `AGNES_PULL_CONCURRENCY` (4 downloads at once), `AGNES_STREAM_RETRIES` (3),
          `AGNES_PULL_RANGES` (byte ranges per large file; 1 = one request).

        ## Not available yet in this version

        Installing or updating the CLI from the server, the `/setup` page with a copy-paste bootstrap script, the
        first-time setup wizard, web pages for tokens and administration (the web UI is sign-in only: use the
        CLI), and marketplace plugins.
        """#)
}
