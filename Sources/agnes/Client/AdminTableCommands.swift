import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes admin register-table`.
struct RegisterTableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register-table",
        abstract: "Register a table in the server's registry.",
        discussion: """
            --query takes SQL, or @path to read it from a file. Materialized tables need --query and \
            --bucket. --dry-run asks the server to check the registration without saving it.

            Examples:
              agnes admin register-table orders --source-type keboola --bucket in.c-sales --source-table orders
              agnes admin register-table monthly_revenue --query-mode materialized --bucket analytics --query @revenue.sql
              agnes admin register-table events --source-type bigquery --bucket web --query-mode remote --dry-run
            """
    )

    @Argument(help: "The table name (its id is the name, lowercased, spaces as _).")
    var name: String

    @Option(name: .customLong("source-type"), help: "keboola, bigquery, jira or local.")
    var sourceType: String?

    @Option(help: "The source bucket or dataset.")
    var bucket: String?

    @Option(name: .customLong("source-table"), help: "The table in the source (default: the name).")
    var sourceTable: String?

    @Option(name: .customLong("query-mode"), help: "local, remote or materialized.")
    var queryMode = "local"

    @Option(help: "The SQL of a materialized table, or @file.sql.")
    var query: String?

    @Option(help: "What the table holds.")
    var description: String?

    @Option(name: .customLong("sync-schedule"), help: "e.g. \"every 1h\" or \"daily 06:00\".")
    var syncSchedule: String?

    @Option(name: .customLong("sync-strategy"), help: "full_refresh (default), incremental or partitioned.")
    var syncStrategy: String?

    @Option(name: .customLong("primary-key"), help: "Primary key columns, comma-separated (incremental and partitioned merge on it).")
    var primaryKey: String?

    @Option(name: .customLong("partition-by"), help: "The column whose values split a partitioned table.")
    var partitionBy: String?

    @Flag(name: .customLong("dry-run"), help: "Check only (POST …/register-table/precheck).")
    var dryRun = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard ["local", "remote", "materialized"].contains(queryMode) else {
            throw ValidationError("--query-mode must be local, remote or materialized")
        }
        if queryMode == "materialized", query == nil || bucket == nil {
            throw ValidationError("a materialized table needs --query and --bucket")
        }
        if query != nil, queryMode != "materialized" {
            throw ValidationError("--query is only for --query-mode materialized")
        }
        if let syncStrategy, !["full_refresh", "incremental", "partitioned"].contains(syncStrategy) {
            throw ValidationError("--sync-strategy must be full_refresh, incremental or partitioned")
        }
    }

    func run() async throws {
        var body: [String: JSONValue] = [
            "name": .string(name), "query_mode": .string(queryMode), "source_table": .string(sourceTable ?? name),
        ]
        if let sourceType { body["source_type"] = .string(sourceType) }
        if let bucket { body["bucket"] = .string(bucket) }
        if let description { body["description"] = .string(description) }
        if let syncSchedule { body["sync_schedule"] = .string(syncSchedule) }
        if let query { body["source_query"] = .string(try Self.sql(query)) }
        if let syncStrategy { body["sync_strategy"] = .string(syncStrategy) }
        if let primaryKey {
            body["primary_key"] = .array(
                primaryKey.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
        }
        if let partitionBy { body["partition_by"] = .string(partitionBy) }
        let context = try ClientContext()
        let answer: JSONValue
        do {
            answer = try await context.withAPI { api in try await api.registerTable(body, dryRun: dryRun) }
        } catch var error as ClientError where error.code == .conflict {
            error.message = "Already exists: \(error.message)"
            error.hint = "agnes admin list-tables shows the registry"
            throw error
        }
        if json { return try Output.json(answer) }
        if dryRun {
            Output.lines(["Check passed for \(name)."] + CatalogCommand.describe(answer["table"] ?? answer))
        } else {
            Output.lines(["Registered \(answer["id"]?.string ?? name) (\(answer["status"]?.string ?? "registered"))."])
        }
    }

    /// `text`, or the content of the file after `@`.
    static func sql(_ text: String) throws -> String {
        guard text.hasPrefix("@") else { return text }
        let path = String(text.dropFirst())
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClientError(.usage, "cannot read the SQL file \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// `agnes admin list-tables`.
struct ListTablesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-tables", abstract: "List the server's table registry.",
        discussion: "Examples:\n  agnes admin list-tables\n  agnes admin list-tables --json")

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = try ClientContext()
        let tables = try await context.withAPI { api in try await api.registry() }
        try Output.objects(
            tables, keys: ["id", "name", "source_type", "query_mode", "bucket", "source_table", "last_sync_error"],
            json: json, environment: context.environment)
    }
}
