import AgnesCore
import AgnesData
import DuckDB
import Foundation

/// Turns an export's header-less CSV slices into a typed parquet file with DuckDB, and merges deltas
/// into a table's previous file. Blocking: call it off the cooperative pool.
///
/// A value that does not parse as its column's type fails the conversion; the error names the table,
/// the column, the row of the export and the value (never a silent NULL).
struct KeboolaTableConverter {
    /// A column of the export, in the order of the slices' fields.
    struct Column: Sendable, Hashable {
        var name: String
        var type: KeboolaColumnType
    }

    let connection: Connection
    /// The Keboola table id, for messages.
    let tableID: String

    /// Opens an in-memory DuckDB for conversions (spilling under `temporaryDirectory`): two threads and
    /// 160 MB, with 4 MB CSV buffers and row groups of 122,880 rows, which keeps a 5M-row export's
    /// process under 300 MB (DuckDB's default 32 MB buffers per thread take it past). Merges, which read
    /// parquet, get more memory (``forMerges``).
    static func open(temporaryDirectory: URL, tableID: String, memoryLimit: String = "160MB", threads: Int = 2) throws
        -> KeboolaTableConverter
    {
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        let database = try Database(options: [
            "threads": String(threads), "memory_limit": memoryLimit, "temp_directory": temporaryDirectory.path,
            "preserve_insertion_order": "false",
        ])
        return KeboolaTableConverter(connection: try database.connect(), tableID: tableID)
    }

    /// The same DuckDB set up for merges of parquet files: two threads, 256 MB.
    func forMerges() throws -> KeboolaTableConverter {
        try connection.execute("SET threads = 2; SET memory_limit = '256MB'")
        return self
    }

    /// `read_csv` over the slices with every field as text (`c0`, `c1`, … in export order). Keboola
    /// quotes fields RFC 4180 style; a quoted empty field is an empty string, an unquoted one NULL.
    static func textScan(of slices: [URL], columns: Int) -> String {
        let files = "[" + slices.map { SQLText.literal($0.path) }.joined(separator: ", ") + "]"
        let fields = (0..<columns).map { "'c\($0)': 'VARCHAR'" }.joined(separator: ", ")
        return """
            read_csv(\(files), header = false, auto_detect = false, columns = {\(fields)}, delim = ',', quote = '"', \
            escape = '"', allow_quoted_nulls = false, strict_mode = true, buffer_size = 4194304)
            """
    }

    /// The typed SELECT over the slices.
    static func typedSelect(of slices: [URL], columns: [Column]) -> String {
        let expressions = columns.enumerated().map { index, column in
            column.type.conversion(of: "c\(index)") + " AS " + SQLText.identifier(column.name)
        }
        return "SELECT \(expressions.joined(separator: ", ")) FROM \(textScan(of: slices, columns: columns.count))"
    }

    /// Writes the slices as a typed parquet file at `target`; returns the rows written.
    func convert(slices: [URL], columns: [Column], to target: URL) throws -> Int64 {
        guard !slices.isEmpty else {
            return try writeEmpty(columns: columns, to: target)
        }
        do {
            return Int64(
                try connection.run(
                    "COPY (\(Self.typedSelect(of: slices, columns: columns))) TO \(SQLText.literal(target.path)) \(Self.parquetOptions)"
                ))
        } catch let error as DuckDBError {
            unlink(target.path)
            throw diagnose(error, slices: slices, columns: columns)
        }
    }

    /// An empty parquet file with the columns' types.
    func writeEmpty(columns: [Column], to target: URL) throws -> Int64 {
        let expressions = columns.map { "CAST(NULL AS \($0.type.sqlType)) AS \(SQLText.identifier($0.name))" }
        try connection.execute(
            "COPY (SELECT \(expressions.joined(separator: ", ")) WHERE false) TO \(SQLText.literal(target.path)) \(Self.parquetOptions)"
        )
        return 0
    }

    static let parquetOptions = LayeredRelation.parquetOptions

    /// Turns a failed conversion into an error naming the first bad value: the column, the row of the
    /// export (1 = the first line of the first slice) and the value.
    func diagnose(_ error: DuckDBError, slices: [URL], columns: [Column]) -> KeboolaError {
        let typed = columns.enumerated().filter { $0.element.type != .string }
        guard !typed.isEmpty else {
            return KeboolaError(.badValue, "\(tableID): the export cannot be read as CSV: \(error.message)")
        }
        let rejects = typed.map { index, column in (index, column.type.rejects("c\(index)")) }
        let which = "CASE " + rejects.map { "WHEN \($0.1) THEN \($0.0)" }.joined(separator: " ") + " END"
        let value = "CASE " + rejects.map { "WHEN \($0.1) THEN c\($0.0)" }.joined(separator: " ") + " END"
        let sql = """
            SELECT row, \(which) AS column_index, \(value) AS value FROM (
                SELECT row_number() OVER () AS row, * FROM \(Self.textScan(of: slices, columns: columns.count)))
            WHERE \(rejects.map { $0.1 }.joined(separator: " OR ")) ORDER BY row LIMIT 1
            """
        do {
            // One thread and insertion order: row numbers follow the slices' lines.
            try connection.execute("SET threads = 1; SET preserve_insertion_order = true")
            defer { try? connection.execute("SET preserve_insertion_order = false") }
            guard let found = try connection.query(sql).records.first,
                let index = found["column_index"].int64.map(Int.init), let row = found["row"].int64
            else {
                return KeboolaError(.badValue, "\(tableID): the export cannot be converted: \(error.message)")
            }
            let column = columns[index]
            let text = found["value"].string ?? ""
            let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
            return KeboolaError(
                .badValue,
                "\(tableID): column \(column.name), row \(row) of the export: '\(shown)' is not a valid \(column.type) (the type its Keboola metadata gives)"
            )
        } catch {
            return KeboolaError(.badValue, "\(tableID): the export cannot be converted: \(error)")
        }
    }
}
