import Foundation

/// The texts `agnes init` writes when the server does not provide them.
public enum Templates {
    /// Text whose presence in CLAUDE.md marks an initialised workspace.
    public static let marker = "AI Data Analyst"

    /// The built-in CLAUDE.md, used when the server has no `/api/welcome`.
    public static func claudeMD(server: String) -> String {
        """
        # Agnes — AI Data Analyst workspace

        This directory is an Agnes analyst workspace connected to \(server).
        Company data you may read is pulled here as Parquet files and exposed as DuckDB views.

        ## How to work with the data
        - `agnes catalog` lists the tables you can use; `agnes schema <table>` and `agnes describe <table>`
          show their columns and a few rows.
        - Query locally with `agnes query "SELECT …"` (DuckDB SQL over `user/duckdb/analytics.duckdb`).
          Add `--format json` or `--format csv` for machine-readable output, `--remote` to run on the server.
        - `agnes pull` refreshes the data (it runs automatically when a Claude Code session starts);
          `agnes status` shows what is here and when it was last pulled; `agnes diagnose` checks the connection.
        - Tables you create yourself in the local database are kept across pulls.

        ## Rules
        - Corporate rules in `.claude/rules/` are mandatory: follow them.
        - Your personal notes go to `.claude/CLAUDE.local.md`; they are uploaded on `agnes push`
          (which runs automatically when a session ends).
        - Never copy the token in `~/.config/agnes/token.json` anywhere.

        """
    }

    /// `.claude/CLAUDE.local.md`, written once and never overwritten.
    public static let localNotes = """
        # My Notes

        Personal notes for Claude in this workspace. This file is uploaded to the Agnes server on `agnes push`.

        """

    /// `AGNES_WORKSPACE.md` with its placeholders filled.
    public static func workspaceMD(createdAt: String, server: String, workspace: String) -> String {
        workspaceTemplate.replacingOccurrences(of: "{created_at}", with: createdAt)
            .replacingOccurrences(of: "{server_url}", with: server)
            .replacingOccurrences(of: "{workspace_path}", with: workspace)
    }

    static let workspaceTemplate = """
        # Agnes workspace

        - Created: {created_at}
        - Server: {server_url}
        - Path: {workspace_path}

        ## Layout
        - `CLAUDE.md` — instructions for Claude Code, from the server
        - `.claude/settings.json` — Claude Code settings; hooks run `agnes pull` at session start and
          `agnes push` at session end
        - `.claude/CLAUDE.local.md` — your notes (uploaded on push, never overwritten)
        - `.claude/rules/` — corporate knowledge rules (replaced on every pull)
        - `server/parquet/` — the tables you may read, as Parquet (replaced on every pull)
        - `user/duckdb/analytics.duckdb` — DuckDB views over those files, plus your own tables

        ## Everyday commands
        - `agnes pull` — fetch changed tables
        - `agnes query "SELECT …"` — query locally
        - `agnes catalog` — list tables
        - `agnes status`, `agnes diagnose` — what is here, what is wrong

        """
}
