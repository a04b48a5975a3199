import Foundation

/// The analyst workspace's `CLAUDE.md`, rendered for one caller: what `agnes init` writes.
///
/// Everything in it is what the caller may see: only the tables they may read, their own groups.
/// Values that come from admins or users (descriptions, names) are flattened to one line, so no
/// value can open a heading or a code block of its own.
struct WelcomeDocument {
    struct Table {
        let name: String
        let description: String?
        let queryMode: String
    }

    let instanceName: String
    let instanceSubtitle: String?
    let serverURL: String
    let tables: [Table]
    let metricCategories: [String: Int]
    let userEmail: String
    let userName: String?
    let isAdmin: Bool
    let groups: [String]
    let today: String

    /// The Markdown text. It names "AI Data Analyst", which the CLI looks for to recognise a workspace.
    var markdown: String {
        var text = "# \(Self.line(instanceName)) — AI Data Analyst workspace\n\n"
        if let subtitle = instanceSubtitle.map(Self.line), !subtitle.isEmpty { text += "_\(subtitle)_\n\n" }
        text += """
            This directory is an Agnes analyst workspace connected to \(Self.line(serverURL)), set up for \
            \(Self.line(userName ?? userEmail)) (\(Self.line(userEmail))\(isAdmin ? ", admin" : "")) on \(today).
            Company data you may read is pulled here as Parquet files and exposed as DuckDB views.

            ## How to work with the data
            - Query locally with `agnes query "SELECT …"` (DuckDB SQL over `user/duckdb/analytics.duckdb`);
              `--format json` or `--format csv` for machine-readable output, `--remote` to run on the server.
            - `agnes catalog` lists the tables; `agnes schema <table>` and `agnes describe <table>` show their
              columns and a few rows; `agnes explore <table>` profiles one.
            - `agnes pull` refreshes the data (it runs when a Claude Code session starts); `agnes status`
              shows what is here; `agnes diagnose` checks the connection.
            - Tables you create yourself in the local database are kept across pulls.


            """
        text += "## Tables you can read (\(tables.count))\n"
        if tables.isEmpty {
            text += "None yet: ask an Agnes admin to grant your group access to the tables you need.\n"
        }
        for table in tables {
            var entry = "- `\(table.name)`"
            if table.queryMode == "remote" { entry += " (remote: query it with `agnes query --remote`)" }
            if let description = table.description.map(Self.line), !description.isEmpty { entry += " — \(description)" }
            text += entry + "\n"
        }
        let metricCount = metricCategories.values.reduce(0, +)
        if metricCount > 0 {
            let categories = metricCategories.keys.sorted().map { "\(Self.line($0)) (\(metricCategories[$0]!))" }
            text += """

                ## Metrics
                \(metricCount) shared metric definitions: \(categories.joined(separator: ", ")).
                Use them rather than inventing your own: `agnes catalog --metrics`, then \
                `agnes catalog --metrics --show <category/name>` for the SQL.

                """
        }
        if !groups.isEmpty {
            text += "\nYour groups: \(groups.map(Self.line).joined(separator: ", ")).\n"
        }
        text += """

            ## Rules
            - Corporate rules in `.claude/rules/` are mandatory: follow them.
            - Your personal notes go to `.claude/CLAUDE.local.md`; they are uploaded on `agnes push`
              (which runs when a session ends).
            - Never copy the token in `~/.config/agnes/token.json` anywhere.

            """
        return text
    }

    /// One line of plain text: control characters and line breaks become spaces, backticks quotes.
    static func line(_ value: String) -> String {
        let flat = String(
            String.UnicodeScalarView(
                value.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" ? " " : $0 }))
        return flat.replacingOccurrences(of: "`", with: "'").trimmingCharacters(in: .whitespaces)
    }
}
