import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesStore
import DuckDB
import Foundation
import Logging

/// A temporary DATA_DIR with a store, an analytics reader and an orchestrator over it.
final class DataFixture: Sendable {
    let root: URL
    let layout: DataLayout
    let store: SystemStore
    let analytics: AnalyticsDatabase
    let orchestrator: Orchestrator

    init(policy: RemoteAttachPolicy = .defaults, retention: VersionRetention = .standard) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        layout = DataLayout(root: root)
        let logger = Logger(label: "test")
        store = try await SystemStore.open(dataDirectory: root.path, logger: logger)
        analytics = AnalyticsDatabase(layout: layout, logger: logger)
        orchestrator = Orchestrator(
            layout: layout, store: store, analytics: analytics, policy: policy, retention: retention, logger: logger)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Publishes `tables` (name → SQL producing it) as a source's extract, through the Publisher, and
    /// returns the published files by table.
    @discardableResult
    func writeSource(_ name: String, tables: [String: String]) throws -> [String: PublishedFile] {
        let source = Identifier(name)!
        let writer = ExtractWriter(sourceDirectory: layout.sourceDirectory(source))
        let connection = try Database().connect()
        var entries: [ExtractTable] = []
        var files: [String: PublishedFile] = [:]
        for (table, sql) in tables.sorted(by: { $0.key < $1.key }) {
            let identifier = Identifier(table)!
            let published = try Publisher().publish(to: writer.dataFile(for: identifier)) { temporary in
                try connection.execute("COPY (\(sql)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet)")
            }
            let rows = try connection.query("SELECT count(*) FROM read_parquet(?)", [.varchar(published.path)]).rows[0][
                0
            ].int64
            entries.append(ExtractTable(name: identifier, rows: rows, file: published))
            files[table] = published
        }
        try writer.write(tables: entries)
        return files
    }

    /// The version files in a source's `data/.versions`.
    func versionFiles(_ source: String) throws -> Set<String> {
        let directory = layout.versionsDirectory(Identifier(source)!)
        return Set(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") })
    }

    /// Runs SQL against an extract file directly (to damage it on purpose).
    func alterExtract(_ source: String, _ sql: String) throws {
        let file = layout.sourceDirectory(Identifier(source)!).appendingPathComponent("extract.duckdb")
        let connection = try Database(path: file.path).connect()
        try connection.execute(sql)
    }

    func count(_ view: String) async throws -> Int? {
        try await analytics.withConnection { try $0.query("SELECT count(*) FROM \"\(view)\"").rows[0][0].int }
    }
}

/// Inode, size, link count and modification time of a file: equal stamps mean the file was not touched.
struct FileStamp: Hashable {
    let inode: UInt64
    let size: Int64
    let links: Int
    let seconds: Int
    let nanoseconds: Int

    init?(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        links = Int(info.st_nlink)
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
