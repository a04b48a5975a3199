import DuckDB
import Foundation

/// The rows a profile is computed from, copied once into a temporary table of a private in-memory
/// DuckDB (every later pass reads that table, not the file): the whole file when it has at most
/// `sampleSize` rows, else a sample of exactly `sampleSize` rows.
///
/// The sample is systematic: ``SampleBlocks`` evenly spaced blocks of consecutive rows addressed by
/// the parquet reader's `file_row_number`, so DuckDB decodes only the row groups those blocks touch
/// and the same file always gives the same sample. A row-level reservoir (`USING SAMPLE reservoir`)
/// decodes every row of every column and measured ten times slower on the 5M-row demo table; the
/// blocks still span the whole file, so time-ordered data is seen from start to end.
final class ProfileWorkspace {
    /// The working table's name.
    static let table = "profiled"

    let connection: Connection
    /// Rows of the whole file.
    let fileRows: Int
    /// Rows of the working table.
    let rows: Int
    /// True when the working table is a sample.
    let isSampled: Bool
    /// The columns, in table order, with DuckDB's type names.
    let columns: [(name: String, type: String)]
    private let temporaryDirectory: URL?

    /// Opens the database and copies the rows. Blocking.
    init(file: URL, delta: ServedDelta? = nil, sampleSize: Int, limits: ProfilerLimits) throws {
        var options = [
            "threads": String(max(1, limits.threads)),
            "memory_limit": limits.memoryLimit,
            "autoload_known_extensions": "false",
            "autoinstall_known_extensions": "false",
        ]
        var own: URL?
        if let directory = limits.temporaryDirectory {
            own = directory.appendingPathComponent("profile-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: own!, withIntermediateDirectories: true)
            options["temp_directory"] = own!.path
        }
        temporaryDirectory = own
        do {
            let connection = try Database(options: options).connect()
            try? connection.execute("SET TimeZone = 'UTC'")  // timestamps with time zone are dated in UTC
            let source = "read_parquet(\(SQLText.literal(file.path)))"
            let count = { (sql: String) in
                try connection.query("SELECT count(*) FROM \(sql)").rows.first?.first?.int ?? 0
            }
            let baseRows = try count(source)
            let blocks = { (rows: Int, size: Int) -> String in
                guard rows > size else { return "" }
                guard size > 0 else { return " WHERE false" }
                return " WHERE "
                    + SampleBlocks.ranges(rows: rows, sampleSize: size)
                    .map { "file_row_number BETWEEN \($0.lowerBound) AND \($0.upperBound)" }.joined(separator: " OR ")
            }
            let fileRows: Int
            let rowsSQL: String
            if let delta {
                // A base and a delta: the base's blocks less the keys the delta replaces, then the
                // delta's rows, each in its share of the sample.
                let layered = "(\(LayeredRelation.select(base: file.path, delta: delta.file.path, key: delta.key)))"
                fileRows = try count(layered)
                let deltaRows = try count("read_parquet(\(SQLText.literal(delta.file.path)))")
                let deltaShare = deltaRows * sampleSize / max(1, baseRows + deltaRows)
                rowsSQL =
                    fileRows <= sampleSize
                    ? "SELECT * FROM \(layered)"
                    : LayeredRelation.select(
                        base: file.path, delta: delta.file.path, key: delta.key,
                        baseRows: blocks(baseRows, sampleSize - deltaShare), deltaRows: blocks(deltaRows, deltaShare))
            } else {
                fileRows = baseRows
                rowsSQL = "SELECT * FROM \(source)\(blocks(baseRows, sampleSize))"
            }
            try connection.execute("CREATE TEMP TABLE \(ProfileWorkspace.table) AS \(rowsSQL)")
            self.connection = connection
            self.fileRows = fileRows
            self.isSampled = fileRows > sampleSize
            self.rows =
                try connection.query("SELECT count(*) FROM \(ProfileWorkspace.table)").rows.first?.first?.int ?? 0
            self.columns = try connection.query("DESCRIBE \(ProfileWorkspace.table)").rows.compactMap { row in
                guard let name = row[0].string, let type = row[1].string else { return nil }
                return (name, type)
            }
        } catch {
            if let own { try? FileManager.default.removeItem(at: own) }
            throw error
        }
    }

    deinit {
        if let temporaryDirectory { try? FileManager.default.removeItem(at: temporaryDirectory) }
    }

    /// One row of aggregates over the working table (or over `source`).
    func aggregate(_ expressions: [String], from source: String = ProfileWorkspace.table) throws -> [DuckDBValue] {
        guard !expressions.isEmpty else { return [] }
        return try connection.query("SELECT \(expressions.joined(separator: ", ")) FROM \(source)").rows.first ?? []
    }
}

/// Which rows a sample takes: up to 20 blocks of consecutive rows, evenly spread over the file.
enum SampleBlocks {
    /// Row ranges (0-based, inclusive) that together hold exactly `sampleSize` rows of a file with
    /// `rows` rows, in order and without overlap.
    static func ranges(rows: Int, sampleSize: Int, maxBlocks: Int = 20) -> [ClosedRange<Int>] {
        guard rows > 0, sampleSize > 0 else { return [] }
        guard sampleSize < rows else { return [0...(rows - 1)] }
        let count = min(maxBlocks, sampleSize)
        let (size, remainder) = sampleSize.quotientAndRemainder(dividingBy: count)
        let gap = rows - sampleSize
        var ranges: [ClosedRange<Int>] = []
        var taken = 0
        for index in 0..<count {
            let length = size + (index < remainder ? 1 : 0)
            // The rows left out are spread evenly between the blocks; the last block ends near the end.
            let start = taken + gap * index / max(1, count - 1)
            ranges.append(start...(start + length - 1))
            taken += length
        }
        return ranges
    }
}

/// Quoting of names that come from the data (column names may hold anything).
enum ProfileSQL {
    /// `"name"` with embedded quotes doubled.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A double as SQL, exact whatever Swift's spelling (`1e-05`).
    static func double(_ value: Double) -> String {
        "CAST('\(value)' AS DOUBLE)"
    }
}
