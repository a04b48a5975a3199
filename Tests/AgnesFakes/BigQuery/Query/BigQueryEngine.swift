import DuckDB

/// Runs a rewritten query over the tables it reads, loaded into a fresh in-memory DuckDB: a catalog per
/// project (`ATTACH ':memory:' AS "<project>"`), a schema per dataset, the GoogleSQL types stored as
/// INT64 BIGINT, FLOAT64 DOUBLE, NUMERIC DECIMAL(38,9), BIGNUMERIC DECIMAL(38,18), BOOL BOOLEAN,
/// STRING and GEOGRAPHY VARCHAR, BYTES BLOB, DATE, DATETIME TIMESTAMP, TIME, TIMESTAMP TIMESTAMPTZ
/// (session time zone UTC), INTERVAL, REPEATED as lists and RECORD as STRUCTs; views as DuckDB views.
/// Blocking: callers run it with `offloaded`.
enum BigQueryEngine {
    /// The tables and views a query reads, views after everything they read.
    struct Catalog: Sendable {
        var tables: [(id: BigQueryTableID, fields: [FakeBigQueryField], rows: [[FakeBigQueryValue]])] = []
        var views: [(id: BigQueryTableID, sql: String)] = []
        /// Names of GEOGRAPHY columns, lowercased: result columns named so are GEOGRAPHY.
        var geographyNames: Set<String> = []
    }

    /// Runs one SELECT statement; throws `invalidQuery` with DuckDB's message when it does not run.
    static func run(_ sql: String, over catalog: Catalog) throws(BigQueryError) -> QueryOutput {
        let connection: Connection
        do {
            connection = try Database(options: ["threads": "1"]).connect()
            try connection.execute("SET TimeZone = 'UTC'")
            try load(catalog, into: connection)
        } catch let error as BigQueryError {
            throw error
        } catch {
            throw BigQueryError(status: 500, reason: "internalError", message: "FakeBigQuery could not load: \(error)")
        }
        do {
            let statement = try connection.prepareSingle(sql)
            guard statement.statementType == .select else {
                throw BigQueryError.invalidQuery("FakeBigQuery runs SELECT statements only")
            }
            let result = try statement.query()
            let fields = result.columns.map {
                RowEncoding.field(name: $0.name, type: $0.type, geography: catalog.geographyNames)
            }
            return QueryOutput(fields: fields, rows: result.rows)
        } catch let error as BigQueryError {
            throw error
        } catch let error as DuckDBError {
            throw .invalidQuery(error.message.split(separator: "\n").first.map(String.init) ?? error.message)
        } catch {
            throw .invalidQuery("\(error)")
        }
    }

    private static func load(_ catalog: Catalog, into connection: Connection) throws {
        let ids = catalog.tables.map(\.id) + catalog.views.map(\.id)
        for project in Set(ids.map(\.project)).sorted() {
            try connection.execute("ATTACH ':memory:' AS \(DuckDBNames.quoted(project))")
        }
        for dataset in Set(ids.map(\.datasetID)).sorted() {
            try connection.execute(
                "CREATE SCHEMA \(DuckDBNames.quoted(dataset.project)).\(DuckDBNames.quoted(dataset.dataset))")
        }
        for table in catalog.tables {
            let types = table.fields.map(duckDBType)
            let columns = zip(table.fields, types).map { "\(DuckDBNames.quoted($0.name)) \($1)" }
            try connection.execute("CREATE TABLE \(table.id.duckDBName) (\(columns.joined(separator: ", ")))")
            guard !table.rows.isEmpty else { continue }
            let insert = try connection.prepare(
                "INSERT INTO \(table.id.duckDBName) VALUES (\(types.map { "CAST(? AS \($0))" }.joined(separator: ", ")))"
            )
            for row in table.rows {
                let values = table.fields.indices.map { index in
                    index < row.count ? parameter(row[index], table.fields[index]) : .null
                }
                do {
                    try insert.run(values)
                } catch {
                    throw BigQueryError(
                        status: 500, reason: "internalError",
                        message: "FakeBigQuery could not load row \(row) into \(table.id.legacyName): \(error)")
                }
            }
        }
        for view in catalog.views {
            try connection.execute("CREATE VIEW \(view.id.duckDBName) AS \(view.sql)")
        }
    }

    /// The DuckDB type a field is stored as.
    static func duckDBType(_ field: FakeBigQueryField) -> String {
        let element =
            switch field.type {
            case .record:
                "STRUCT("
                    + field.fields.map { "\(DuckDBNames.quoted($0.name)) \(duckDBType($0))" }
                    .joined(separator: ", ") + ")"
            case .interval: "INTERVAL"
            default: GoogleSQLRewriter.types[field.type.rawValue] ?? "VARCHAR"
            }
        return field.mode == .repeated ? element + "[]" : element
    }

    /// A value bound as text, which the INSERT casts to the column's type: text keeps nested lists and
    /// structs of one element type whatever their values (bytes as `\xHH` escapes, TIMESTAMP numbers
    /// as UTC text).
    private static func parameter(_ value: FakeBigQueryValue, _ field: FakeBigQueryField) -> DuckDBValue {
        switch value {
        case .null:
            return .null
        case .array(let elements):
            var element = field
            element.mode = .nullable
            return .list(elements.map { parameter($0, element) })
        case .record(let members):
            return .structure(zip(field.fields, members).map { .init($0.name, parameter($1, $0)) })
        case .string(let text) where field.type == .bytes:
            return .varchar(escaped(Array(text.utf8)))
        case .bytes(let bytes):
            return .varchar(escaped(bytes))
        case .int(let seconds) where field.type == .timestamp:
            return .varchar(DuckDBTimestamp(seconds * 1_000_000).description + "+00")
        case .double(let seconds) where field.type == .timestamp:
            return .varchar(DuckDBTimestamp(Int64((seconds * 1_000_000).rounded())).description + "+00")
        case .string(let text): return .varchar(text)
        case .int(let number): return .varchar(String(number))
        case .double(let number): return .varchar("\(number)")
        case .bool(let flag): return .varchar(flag ? "true" : "false")
        }
    }

    private static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { "\\x" + String($0, radix: 16, uppercase: true).leftPadded(2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
