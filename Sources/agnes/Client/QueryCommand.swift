import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

extension OutputFormat: ExpressibleByArgument {}

/// `agnes query`.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run SQL on the local database (default) or on the server (--remote).",
        discussion: """
            Exactly one source of SQL: the argument, --sql, or --stdin (a JSON object {"sql": …} or plain \
            SQL text). Locally the query runs read-only on user/duckdb/analytics.duckdb (run agnes pull \
            first); --remote sends it to the server's POST /api/query, which checks your access. \
            Tables print aligned with column types, fitted to the terminal (COLUMNS overrides the width).

            --register-bq alias=SQL (repeatable) runs BigQuery SQL and joins its result as a table named \
            alias: locally with your own Google credentials (BIGQUERY_PROJECT, GOOGLE_APPLICATION_CREDENTIALS), \
            or with --remote on the server (POST /api/query/hybrid, admins only).

            Examples:
              agnes query "SELECT status, count(*) FROM orders GROUP BY ALL"
              agnes query --register-bq 'web=SELECT day, visits FROM `acme.web.daily`' \
                "SELECT o.day, o.revenue, w.visits FROM daily_orders o JOIN web w USING (day)"
              agnes query --remote --sql "SELECT * FROM events" --limit 50 --format csv > events.csv
              echo '{"sql": "SELECT 42 AS answer"}' | agnes query --stdin --format json
            """
    )

    @Argument(help: "The SQL to run.")
    var sqlArgument: String?

    @Option(help: "The SQL to run (instead of the argument).")
    var sql: String?

    @Flag(help: "Read the SQL from standard input: JSON {\"sql\": …} or plain text.")
    var stdin = false

    @Flag(help: "Run on the server instead of the local database.")
    var remote = false

    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @Option(help: "Return at most this many rows.")
    var limit = 1000

    @Option(
        name: .customLong("register-bq"),
        help: "alias=SQL: run this BigQuery SQL and make its result a table named alias (repeatable).")
    var registerBQ: [String] = []

    func validate() throws {
        let sources = [sqlArgument != nil, sql != nil, stdin].filter { $0 }.count
        guard sources == 1 else {
            throw ValidationError("give the SQL exactly once: as the argument, with --sql, or with --stdin")
        }
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        _ = try Self.registrations(registerBQ)
    }

    /// `alias=SQL` pairs as a map; the alias must be a name.
    static func registrations(_ pairs: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else {
                throw ValidationError("--register-bq takes alias=SQL, got '\(pair)'")
            }
            let alias = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
            let sql = String(pair[pair.index(after: equals)...]).trimmingCharacters(in: .whitespacesAndNewlines)
            guard alias.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
                throw ValidationError("--register-bq: '\(alias)' is not a table name (letters, digits, _)")
            }
            guard !sql.isEmpty else { throw ValidationError("--register-bq \(alias)=: the SQL is empty") }
            guard result[alias] == nil else { throw ValidationError("--register-bq: \(alias) is given twice") }
            result[alias] = sql
        }
        return result
    }

    func run() async throws {
        let (rawText, fromStdin) = try resolvedSQL()
        let text = rawText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ClientError(.usage, "the SQL is empty") }
        var registered = try Self.registrations(registerBQ)
        for (alias, sql) in fromStdin {
            guard registered[alias] == nil else { throw ClientError(.usage, "\(alias) is registered twice") }
            registered[alias] = sql
        }
        let context = try ClientContext()
        let table: ResultTable
        let limit = self.limit
        if remote, !registered.isEmpty {
            table = try await context.withAPI { api in
                ResultTable(try await api.hybridQuery(text, registerBQ: registered, limit: limit))
            }
        } else if remote {
            table = try await context.withAPI { api in ResultTable(try await api.query(text, limit: limit)) }
        } else if !registered.isEmpty {
            table = try await LocalHybrid.run(
                text, registered: registered, limit: limit, workspace: context.workspace,
                environment: context.environment)
        } else {
            table = try await LocalDatabase(workspace: context.workspace).query(text, limit: limit)
        }
        StandardOutput.line(table.rendered(as: format, width: Terminal.width(environment: context.environment)))
        if table.isTruncated, format != .table {
            FileHandleOutput.standardError("(truncated at \(limit) rows)\n")
        }
    }

    /// The SQL, and the BigQuery registrations a JSON object on standard input gives (`register_bq`).
    func resolvedSQL() throws -> (String, [String: String]) {
        if let sqlArgument { return (sqlArgument, [:]) }
        if let sql { return (sql, [:]) }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        if let object = try? JSONDecoder().decode(JSONValue.self, from: data), case .object = object {
            guard let sql = object["sql"]?.string else {
                throw ClientError(.usage, "the JSON on standard input has no \"sql\" string")
            }
            var registered: [String: String] = [:]
            if case .object(let members)? = object["register_bq"] {
                for (alias, value) in members {
                    guard let text = value.string else {
                        throw ClientError(.usage, "register_bq.\(alias) must be a SQL string")
                    }
                    registered[alias] = text
                }
            }
            _ = try Self.registrations(registered.map { "\($0.key)=\($0.value)" })
            return (sql, registered)
        }
        return (String(decoding: data, as: UTF8.self), [:])
    }
}
