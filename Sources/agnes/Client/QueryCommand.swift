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

            Examples:
              agnes query "SELECT status, count(*) FROM orders GROUP BY ALL"
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

    func validate() throws {
        let sources = [sqlArgument != nil, sql != nil, stdin].filter { $0 }.count
        guard sources == 1 else {
            throw ValidationError("give the SQL exactly once: as the argument, with --sql, or with --stdin")
        }
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        let text = try resolvedSQL().trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ClientError(.usage, "the SQL is empty") }
        let context = try ClientContext()
        let table: ResultTable
        if remote {
            table = try await context.withAPI { api in ResultTable(try await api.query(text, limit: limit)) }
        } else {
            table = try await LocalDatabase(workspace: context.workspace).query(text, limit: limit)
        }
        StandardOutput.line(table.rendered(as: format, width: Terminal.width(environment: context.environment)))
        if table.isTruncated, format != .table {
            FileHandleOutput.standardError("(truncated at \(limit) rows)\n")
        }
    }

    func resolvedSQL() throws -> String {
        if let sqlArgument { return sqlArgument }
        if let sql { return sql }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        if let object = try? JSONDecoder().decode(JSONValue.self, from: data), case .object = object {
            guard let sql = object["sql"]?.string else {
                throw ClientError(.usage, "the JSON on standard input has no \"sql\" string")
            }
            return sql
        }
        return String(decoding: data, as: UTF8.self)
    }
}
