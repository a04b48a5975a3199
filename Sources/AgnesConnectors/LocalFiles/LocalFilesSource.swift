import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Logging

/// The `local` source: CSV, TSV, JSON/NDJSON and Parquet files in `DATA_DIR/sources/local/` become
/// tables of `extracts/local/`. DuckDB infers each schema; every table's parquet is published through
/// the ``Publisher``; a file that cannot be read is reported and skips only its own table (its last
/// good version, if any, keeps being served). Unchanged input files are not converted again.
///
/// ```swift
/// let report = try LocalFilesSource(layout: layout, logger: logger).sync()
/// ```
public struct LocalFilesSource: Sendable {
    /// The source name, and the directory under `extracts/`.
    public static let sourceName = Identifier("local")!

    /// File extensions read, and how.
    static let readers: [String: String] = [
        "csv": "read_csv(%@, auto_detect = true)",
        "tsv": "read_csv(%@, delim = '\\t', auto_detect = true)",
        "json": "read_json_auto(%@)",
        "ndjson": "read_json_auto(%@, format = 'newline_delimited')",
        "jsonl": "read_json_auto(%@, format = 'newline_delimited')",
        "parquet": "read_parquet(%@)",
    ]

    let layout: DataLayout
    let logger: Logger
    let publisher = Publisher()

    /// Creates the source for a data layout.
    public init(layout: DataLayout, logger: Logger) {
        self.layout = layout
        self.logger = logger
    }

    /// The directory whose files become tables.
    public var inputDirectory: URL { layout.localSourceDirectory }

    /// Converts new and changed files, drops tables whose file is gone, and rewrites the extract.
    /// Blocking: run it off the cooperative pool.
    public func sync() throws -> LocalSyncReport {
        let writer = ExtractWriter(sourceDirectory: layout.sourceDirectory(Self.sourceName))
        let previous = PreviousExtract.read(writer.extractFile)
        var report = LocalSyncReport()
        var tables: [ExtractTable] = []
        var claimed: [String: String] = [:]
        Publisher.removeStaleTemporaries(in: writer.dataDirectory)
        let connection = try Database(options: ["threads": "2"]).connect()
        for file in try inputFiles() {
            let fileName = file.lastPathComponent
            guard let table = Identifier.derived(from: file.deletingPathExtension().lastPathComponent) else {
                report.failures.append(
                    .init(file: fileName, table: nil, message: "no table name can be derived from the file name"))
                continue
            }
            if let other = claimed[table.rawValue] {
                report.failures.append(
                    .init(
                        file: fileName, table: table.rawValue,
                        message: "table \(table) already comes from \(other); skipped"))
                continue
            }
            claimed[table.rawValue] = fileName
            let signature = Self.signature(of: file)
            if let kept = previous[table.rawValue], kept.sourceSignature == signature, kept.file?.versionPath != nil,
                Self.isReadable(kept)
            {
                tables.append(kept)
                report.unchanged.append(table.rawValue)
                continue
            }
            do {
                let converted = try convert(
                    file, into: writer.dataFile(for: table), table: table, signature: signature, connection: connection)
                tables.append(converted)
                report.published.append(table.rawValue)
            } catch {
                let message = (error as? DuckDBError)?.message ?? "\(error)"
                report.failures.append(.init(file: fileName, table: table.rawValue, message: message))
                logger.warning("local source: \(fileName) cannot be read", metadata: ["error": "\(message)"])
                if let kept = previous[table.rawValue], Self.isReadable(kept) {
                    tables.append(kept)  // keep serving the last good version
                }
            }
        }
        // The canonical files of dropped tables go now; their versions once nothing uses them.
        let keptNames = Set(tables.map(\.name.rawValue))
        for (name, _) in previous where !keptNames.contains(name) {
            try? FileManager.default.removeItem(at: writer.dataDirectory.appendingPathComponent("\(name).parquet"))
            report.removed.append(name)
        }
        try writer.write(tables: tables.sorted { $0.name < $1.name })
        report.tables = tables.map(\.name.rawValue).sorted()
        return report
    }

    private func inputFiles() throws -> [URL] {
        let manager = FileManager.default
        guard manager.fileExists(atPath: inputDirectory.path) else { return [] }
        return try manager.contentsOfDirectory(at: inputDirectory, includingPropertiesForKeys: [.isRegularFileKey])
            .filter { Self.readers[$0.pathExtension.lowercased()] != nil && !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    private func convert(_ file: URL, into target: URL, table: Identifier, signature: String, connection: Connection)
        throws -> ExtractTable
    {
        let fileExtension = file.pathExtension.lowercased()
        let published: PublishedFile
        if fileExtension == "parquet" {
            // Check it reads as parquet before publishing the bytes as they are.
            _ = try connection.query("SELECT count(*) FROM read_parquet(?)", [.varchar(file.path)])
            published = try publisher.publish(copying: file, to: target)
        } else {
            let reader = Self.readers[fileExtension]!.replacingOccurrences(of: "%@", with: SQLText.literal(file.path))
            published = try publisher.publish(to: target) { temporary in
                try connection.execute(
                    "COPY (SELECT * FROM \(reader)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 245760)"
                )
            }
        }
        let rows = try connection.query("SELECT count(*) FROM read_parquet(?)", [.varchar(published.readPath)]).rows[0][
            0
        ]
        .int64
        return ExtractTable(
            name: table, description: "From \(file.lastPathComponent)", rows: rows, sizeBytes: published.sizeBytes,
            extractedAt: Date(), queryMode: "local", file: published, sourceSignature: signature)
    }

    /// Whether a table of the previous extract can be listed again as it is: the file its view reads
    /// (a version, or the canonical file in extracts written before versions) still exists. Unchanged
    /// input of a table without a version is published again, which gives it one.
    static func isReadable(_ table: ExtractTable) -> Bool {
        guard let file = table.file else { return false }
        return FileManager.default.fileExists(atPath: file.readPath)
    }

    /// Size and modification time (ns) of an input file: changes when the file does.
    static func signature(of file: URL) -> String {
        var info = stat()
        guard stat(file.path, &info) == 0 else { return "missing" }
        return "\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}

/// What one sync of the local source did.
public struct LocalSyncReport: Sendable, Codable, Hashable {
    /// A file that could not become a table.
    public struct Failure: Sendable, Codable, Hashable {
        /// The input file name.
        public var file: String
        /// The table it would have become.
        public var table: String?
        /// Why it failed.
        public var message: String
    }

    /// Tables (re)published from changed files.
    public var published: [String] = []
    /// Tables whose input had not changed.
    public var unchanged: [String] = []
    /// Tables dropped because their file is gone.
    public var removed: [String] = []
    /// Files that failed.
    public var failures: [Failure] = []
    /// Every table the extract now lists.
    public var tables: [String] = []
}
