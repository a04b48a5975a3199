import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes catalog`.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the tables (or metrics) you may use.",
        discussion: """
            The catalog is always asked of the server (the CLI keeps no copy, and the server reads its \
            registry on every request). --refresh also tells any HTTP cache between you and the server (a \
            proxy, a CDN) not to answer from what it kept (Cache-Control: no-cache). Exits 5 when the \
            catalog cannot be fetched (REFERENCE §2.7).

            Examples:
              agnes catalog
              agnes catalog --json
              agnes catalog --refresh
              agnes catalog --metrics
              agnes catalog --metrics --show revenue/mrr
            """
    )

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "List metric definitions instead of tables.")
    var metrics = false

    @Option(help: "With --metrics: show one metric, by <category>/<name>.")
    var show: String?

    @Flag(help: "Ask caches on the way to the server for fresh data (Cache-Control: no-cache).")
    var refresh = false

    func validate() throws {
        if show != nil, !metrics { throw ValidationError("--show needs --metrics") }
    }

    func run() async throws {
        let context = try ClientContext()
        do {
            try await context.withAPI { api in
                if let show {
                    let metric = try await api.metric(id: show)
                    if json { try Output.json(metric) } else { Output.lines(Self.describe(metric)) }
                } else if metrics {
                    let page = try await api.metrics()
                    guard case .array(let items)? = page["metrics"] else { return }
                    try Output.objects(
                        items, keys: ["id", "display_name", "unit", "grain"], json: json,
                        environment: context.environment)
                } else {
                    let tables = try await api.catalog(refresh: refresh)
                    if json {
                        try Output.json(tables.map(Self.object))
                    } else {
                        try Output.objects(
                            tables.map(Self.object), keys: ["id", "source_type", "query_mode", "sql_flavor", "name"],
                            json: false, environment: context.environment)
                    }
                }
            }
        } catch let error as ClientError where error.code != .notConfigured {
            throw CommandFailure(cause: error.message, hint: error.hint, exitCode: 5)
        }
    }

    static func object(_ table: CatalogTable) -> JSONValue {
        .object([
            "id": .string(table.id), "name": .string(table.name),
            "description": table.description.map(JSONValue.string) ?? .null,
            "source_type": table.sourceType.map(JSONValue.string) ?? .null,
            "query_mode": table.queryMode.map(JSONValue.string) ?? .null,
            "sql_flavor": table.sqlFlavor.map(JSONValue.string) ?? .null,
            "fetch_via": table.fetchVia.map(JSONValue.string) ?? .null,
        ])
    }

    static func describe(_ metric: JSONValue) -> [String] {
        guard case .object(let members) = metric else { return [metric.description] }
        return members.keys.sorted().map { "\($0): \(members[$0]!.description)" }
    }
}

/// `agnes schema`.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract:
            "Show a table's columns (from the server; from the local database if the server has no schema route).",
        discussion: """
            Examples:
              agnes schema orders
              agnes schema orders --json
            """
    )

    @Argument(help: "The table id.")
    var table: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = try ClientContext()
        let schema = try await Self.columns(of: table, context: context)
        if json { try Output.json(schema) } else { Output.lines([Self.render(schema, context: context)]) }
    }

    /// The server's schema answer, or the same shape built from the local database.
    static func columns(of table: String, context: ClientContext) async throws -> JSONValue {
        do {
            return try await context.withAPI { api in try await api.schema(table: table) }
        } catch let error as ClientError where error.code == .notFound {
            guard
                let local = try? await LocalDatabase(workspace: context.workspace).query(
                    "DESCRIBE \(LocalDatabase.quoted(table))", limit: 10_000)
            else { throw error }
            let columns = local.rows.map { row in
                JSONValue.object([
                    "name": .string(row[0].text), "type": .string(row[1].text),
                    "nullable": .bool(row[2].text.uppercased() != "NO"),
                ])
            }
            return .object(["table_id": .string(table), "source": .string("local"), "columns": .array(columns)])
        }
    }

    static func render(_ schema: JSONValue, context: ClientContext) -> String {
        guard case .array(let columns)? = schema["columns"] else { return schema.description }
        return TableRenderer(maximumWidth: Terminal.width(environment: context.environment))
            .render(ResultTable(objects: columns, keys: ["name", "type", "nullable", "description"]))
    }
}

/// `agnes describe`.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show a table's columns and a few rows.",
        discussion: """
            Examples:
              agnes describe orders
              agnes describe orders -n 10 --json
            """
    )

    @Argument(help: "The table id.")
    var table: String

    @Option(name: .short, help: "Sample rows (1–100).")
    var n = 5

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...100).contains(n) else { throw ValidationError("-n must be between 1 and 100") }
    }

    func run() async throws {
        let context = try ClientContext()
        let schema = try await SchemaCommand.columns(of: table, context: context)
        let sample: JSONValue
        if schema["source"]?.string == "local" {
            let rows = try await LocalDatabase(workspace: context.workspace).query(
                "SELECT * FROM \(LocalDatabase.quoted(table))", limit: n)
            sample = .object(["rows": Self.objects(rows)])
        } else {
            sample = try await context.withAPI { api in try await api.sample(table: table, rows: n) }
        }
        if json {
            try Output.json(JSONValue.object(["schema": schema, "sample": sample]))
            return
        }
        Output.lines([SchemaCommand.render(schema, context: context)])
        if case .array(let rows)? = sample["rows"] {
            try Output.objects(rows, keys: Self.keys(schema, rows), json: false, environment: context.environment)
        }
    }

    static func keys(_ schema: JSONValue, _ rows: [JSONValue]) -> [String] {
        if case .array(let columns)? = schema["columns"] { return columns.compactMap { $0["name"]?.string } }
        if case .object(let first)? = rows.first { return first.keys.sorted() }
        return []
    }

    static func objects(_ table: ResultTable) -> JSONValue {
        .array(
            table.rows.map { row in
                .object(
                    Dictionary(
                        zip(table.columns.map(\.name), row.map { JSONValue.string($0.text) }),
                        uniquingKeysWith: { first, _ in first }))
            })
    }
}

/// `agnes explore`.
struct ExploreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Row count, columns and sample rows of a pulled table (or its server profile with --remote).",
        discussion: """
            Examples:
              agnes explore orders
              agnes explore orders --remote --json
            """
    )

    @Argument(help: "The table.")
    var table: String

    @Flag(help: "Show the server's profile of the table instead.")
    var remote = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = try ClientContext()
        if remote {
            let profile = try await context.withAPI { api in try await api.profile(table: table) }
            if json { try Output.json(profile) } else { Output.lines(CatalogCommand.describe(profile)) }
            return
        }
        let database = LocalDatabase(workspace: context.workspace)
        let name = LocalDatabase.quoted(table)
        let count = try await database.query("SELECT count(*) FROM \(name)", limit: 1)
        let columns = try await database.query("DESCRIBE \(name)", limit: 10_000)
        let sample = try await database.query("SELECT * FROM \(name)", limit: 5)
        let rows = count.rows.first?.first?.text ?? "0"
        if json {
            let described = columns.rows.map {
                JSONValue.object(["name": .string($0[0].text), "type": .string($0[1].text)])
            }
            try Output.json(
                JSONValue.object([
                    "table": .string(table), "rows": .int(Int64(rows) ?? 0), "columns": .array(described),
                    "sample": DescribeCommand.objects(sample),
                ]))
            return
        }
        let width = Terminal.width(environment: context.environment)
        Output.lines([
            "\(table): \(rows) rows, \(columns.rows.count) columns",
            TableRenderer(maximumWidth: width).render(
                ResultTable(columns: Array(columns.columns.prefix(2)), rows: columns.rows.map { Array($0.prefix(2)) })),
            TableRenderer(maximumWidth: width).render(sample),
        ])
    }
}
