import AgnesCore
import AgnesData
import DuckDB
import Foundation

/// The Jira source's data on disk: per table, one parquet shard per creation month
/// (`extracts/jira/shards/<table>/<YYYY-MM>.parquet`), and the served file of each table
/// (`extracts/jira/data/<table>.parquet`, published through the ``Publisher``) assembled from them.
///
/// An upsert rewrites only the months of the issues it touches: each month's rows without those issue
/// keys, plus their new rows, into a temporary file renamed over the shard (an empty month is
/// deleted). Blocking; one writer at a time (``JiraProcessor`` is it), which is what makes the
/// per-month rewrite safe.
struct JiraShards: Sendable {
    /// `extracts/jira`.
    let sourceDirectory: URL

    var shardsDirectory: URL { sourceDirectory.appendingPathComponent("shards") }

    func shard(_ table: JiraTable, month: String) -> URL {
        shardsDirectory.appendingPathComponent(table.rawValue).appendingPathComponent("\(month).parquet")
    }

    /// The shards of a table, in month order.
    func shards(of table: JiraTable) -> [URL] {
        let directory = shardsDirectory.appendingPathComponent(table.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".parquet") && !$0.hasPrefix(".") }.sorted().map {
            directory.appendingPathComponent($0)
        }
    }

    /// Where each stored issue lives: key → month, from the `issues` shards.
    func loadIndex() throws -> [String: String] {
        let files = shards(of: .issues)
        guard !files.isEmpty else { return [:] }
        let connection = try Self.connect()
        var index: [String: String] = [:]
        for file in files {
            let month = file.deletingPathExtension().lastPathComponent
            for row in try connection.query("SELECT issue_key FROM read_parquet(?)", [.varchar(file.path)]).rows {
                if let key = row[0].string { index[key] = month }
            }
        }
        return index
    }

    /// Replaces the rows of the issues in `updates` and removes those of `deletions`, month by month.
    /// `index` (key → month) is read and kept current. Returns false when nothing stored changed (a
    /// deletion of an issue never stored).
    func apply(updates: [JiraIssueRows], deletions: Set<String>, index: inout [String: String]) throws -> Bool {
        let touched = Set(updates.map(\.key)).union(deletions)
        guard !touched.isEmpty else { return false }
        var months = Set(updates.map(\.month))
        for key in touched { if let month = index[key] { months.insert(month) } }
        // Deletions of issues never stored change nothing.
        guard !months.isEmpty else { return false }
        let connection = try Self.connect()
        try connection.execute("CREATE TEMP TABLE touched (issue_key VARCHAR)")
        do {
            let appender = try connection.appender(table: "touched")
            for key in touched.sorted() { try appender.append([.varchar(key)]) }
            try appender.close()
        }
        for table in JiraTable.allCases {
            try connection.execute(
                "CREATE TEMP TABLE \"new_\(table.rawValue)\" (\(table.columnDefinitions), _month VARCHAR)")
            let appender = try connection.appender(table: "new_\(table.rawValue)")
            for issue in updates {
                for row in issue.rows[table] ?? [] { try appender.append(row + [.varchar(issue.month)]) }
            }
            try appender.close()
        }
        for month in months.sorted() {
            for table in JiraTable.allCases {
                let target = shard(table, month: month)
                let exists = FileManager.default.fileExists(atPath: target.path)
                guard exists || updates.contains(where: { $0.month == month }) else { continue }
                let columns = table.columnList
                var sql =
                    "SELECT \(columns) FROM \"new_\(table.rawValue)\" WHERE _month = \(SQLText.literal(month))"
                if exists {
                    sql =
                        "SELECT \(columns) FROM read_parquet(\(SQLText.literal(target.path))) AS s WHERE s.issue_key NOT IN (SELECT issue_key FROM touched) UNION ALL "
                        + sql
                }
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                var rows = 0
                // An empty month is published too and then deleted: shards are read only by this writer.
                _ = try Publisher(keepsVersions: false).publish(to: target) { temporary in
                    rows = try connection.run(
                        "COPY (\(sql) ORDER BY issue_key) TO \(SQLText.literal(temporary.path)) (FORMAT parquet, COMPRESSION zstd)"
                    )
                }
                if rows == 0 { try FileManager.default.removeItem(at: target) }
            }
        }
        for key in touched { index[key] = nil }
        for issue in updates { index[issue.key] = issue.month }
        return true
    }

    /// Publishes the six tables assembled from their shards and writes the extract listing them (a table
    /// whose bytes did not change keeps its version: the ``Publisher`` links identical content). Returns
    /// the extract's tables.
    func publish(now: Date = Date()) throws -> [ExtractTable] {
        let writer = ExtractWriter(sourceDirectory: sourceDirectory)
        let connection = try Self.connect()
        var entries: [ExtractTable] = []
        for table in JiraTable.allCases {
            let files = shards(of: table)
            var rows: Int64 = 0
            let published = try Publisher().publish(to: writer.dataFile(for: table.id)) { temporary in
                let source: String
                if files.isEmpty {
                    try connection.execute("CREATE OR REPLACE TEMP TABLE empty_shape (\(table.columnDefinitions))")
                    source = "SELECT * FROM empty_shape"
                } else {
                    let list = files.map { SQLText.literal($0.path) }.joined(separator: ", ")
                    source = "SELECT \(table.columnList) FROM read_parquet([\(list)])"
                }
                rows = Int64(
                    try connection.run(
                        "COPY (\(source)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet, COMPRESSION zstd)"))
            }
            entries.append(
                ExtractTable(
                    name: table.id, description: table.summary, rows: rows, sizeBytes: published.sizeBytes,
                    extractedAt: now, file: published))
        }
        try writer.write(tables: entries)
        return entries
    }

    static func connect() throws -> Connection {
        try Database(path: ":memory:", options: ["threads": "2"]).connect()
    }
}
