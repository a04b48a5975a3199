extension WorkspacePrompt {
    /// The shipped `CLAUDE.md` template, used when no override is stored. It names "AI Data Analyst",
    /// which the CLI looks for to recognise a workspace.
    static let defaultSource = """
        # {{instance.name}} — AI Data Analyst workspace

        {{#instance.subtitle}}
        _{{instance.subtitle}}_

        {{/instance.subtitle}}
        This directory is an Agnes analyst workspace connected to {{server.url}}, set up for {{user.display_name}} ({{user.email}}{{#user.is_admin}}, admin{{/user.is_admin}}) on {{today}}.
        Company data you may read is pulled here as Parquet files and exposed as DuckDB views.

        ## How to work with the data
        - Query locally with `agnes query "SELECT …"` (DuckDB SQL over `user/duckdb/analytics.duckdb`);
          `--format json` or `--format csv` for machine-readable output, `--remote` to run on the server.
        - `agnes catalog` lists the tables; `agnes schema <table>` and `agnes describe <table>` show their
          columns and a few rows; `agnes explore <table>` profiles one.
        - `agnes pull` refreshes the data (it runs when a Claude Code session starts); `agnes status`
          shows what is here; `agnes diagnose` checks the connection.
        - Tables you create yourself in the local database are kept across pulls.

        ## Tables you can read ({{table_count}})
        {{^tables}}
        None yet: ask an Agnes admin to grant your group access to the tables you need.
        {{/tables}}
        {{#tables}}
        - `{{name}}`{{#is_remote}} (remote: query it with `agnes query --remote`){{/is_remote}}{{#description}} — {{description}}{{/description}}
        {{/tables}}
        {{#metrics.summary}}

        ## Metrics
        {{metrics.count}} shared metric definitions: {{metrics.summary}}.
        Use them rather than inventing your own: `agnes catalog --metrics`, then `agnes catalog --metrics --show <category/name>` for the SQL.
        {{/metrics.summary}}
        {{#user.groups_text}}

        Your groups: {{user.groups_text}}.
        {{/user.groups_text}}

        ## Rules
        - Corporate rules in `.claude/rules/` are mandatory: follow them.
        - Your personal notes go to `.claude/CLAUDE.local.md`; they are uploaded on `agnes push`
          (which runs when a session ends).
        - Never copy the token in `~/.config/agnes/token.json` anywhere.

        """

    /// ``defaultSource``, parsed once.
    static let defaultTemplate: PromptTemplate = {
        do { return try PromptTemplate(defaultSource) } catch { preconditionFailure("\(error)") }
    }()
}
