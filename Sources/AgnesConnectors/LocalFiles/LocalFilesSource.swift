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
    package static let readers: [String: String] = [
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

    /// Converts new and changed files, drops tables whose file is gone, and rewrites the extract: every
    /// file in the folder is a table, due now. Blocking: run it off the cooperative pool.
    public func sync() throws -> LocalSyncReport {
        let files = try discover()
        let tables = files.compactMap { file -> TableRegistration? in
            guard let table = file.table, file.claimedBy == nil else { return nil }
            return TableRegistration(id: table, name: table, sourceType: Self.sourceName.rawValue)
        }
        var report = try sync(registered: tables, due: Set(tables.map(\.id)))
        // A file whose name gives no table, or whose table another file already gives, is reported too.
        for file in files where file.table == nil || file.claimedBy != nil {
            report.failures.append(
                .init(
                    file: file.fileName, table: file.table,
                    message: file.claimedBy.map { "table \(file.table ?? "") already comes from \($0); skipped" }
                        ?? "no table name can be derived from the file name"))
        }
        return report
    }

    /// Syncs the `due` tables among `registered` (every registered table of this source) and rewrites the
    /// extract: a due table is converted when its file changed, a table not due keeps its data and its
    /// entry as they are, and a table no longer registered leaves the extract. A table whose file is
    /// missing or unreadable fails alone and keeps serving its last good version. Blocking.
    public func sync(registered: [TableRegistration], due: Set<String>) throws -> LocalSyncReport {
        let writer = ExtractWriter(sourceDirectory: layout.sourceDirectory(Self.sourceName))
        let previous = PreviousExtract.read(writer.extractFile)
        var report = LocalSyncReport()
        var tables: [ExtractTable] = []
        Publisher.removeStaleTemporaries(in: writer.dataDirectory)
        let files = try discover()
        var byTable: [String: [InputFile]] = [:]
        for file in files where file.claimedBy == nil {
            if let table = file.table { byTable[table, default: []].append(file) }
        }
        var connection: Connection?
        for registration in registered.sorted(by: { $0.id < $1.id }) {
            guard let table = Identifier(registration.id) else {
                report.failures.append(
                    .init(file: "", table: registration.id, message: "'\(registration.id)' is not a valid table name"))
                continue
            }
            let kept = previous[table.rawValue].flatMap { Self.isReadable($0) ? $0 : nil }
            guard due.contains(registration.id) else {
                if let kept { tables.append(kept) }
                report.kept.append(table.rawValue)
                continue
            }
            let candidates =
                registration.sourceTable.map { name in files.filter { Self.gives($0, sourceTable: name) } }
                ?? byTable[table.rawValue] ?? []
            guard candidates.count == 1, let input = candidates.first else {
                let message =
                    candidates.isEmpty
                    ? (registration.sourceTable.map { "sources/local has no file named \($0)" }
                        ?? "sources/local has no file for it (\(table).csv, .tsv, .json, .ndjson, .jsonl or .parquet)")
                    : "more than one file gives it (\(candidates.map(\.fileName).joined(separator: ", "))); keep one"
                report.failures.append(
                    .init(file: candidates.first?.fileName ?? "", table: table.rawValue, message: message))
                if let kept { tables.append(kept) }
                continue
            }
            let signature = Self.signature(of: input.url)
            if let kept, kept.sourceSignature == signature, kept.file?.versionPath != nil {
                tables.append(kept)
                report.unchanged.append(table.rawValue)
                report.rows[table.rawValue] = kept.rows.map(Int.init)
                continue
            }
            let started = ContinuousClock.now
            do {
                if connection == nil { connection = try Database(options: ["threads": "2"]).connect() }
                let converted = try convert(
                    input.url, into: writer.dataFile(for: table), table: table, signature: signature,
                    connection: connection!)
                tables.append(converted)
                report.published.append(table.rawValue)
                report.rows[table.rawValue] = converted.rows.map(Int.init)
                let elapsed = ContinuousClock.now - started
                report.durations[table.rawValue] = elapsed.milliseconds
            } catch {
                let message = (error as? DuckDBError)?.message ?? "\(error)"
                report.failures.append(.init(file: input.fileName, table: table.rawValue, message: message))
                logger.warning("local source: \(input.fileName) cannot be read", metadata: ["error": "\(message)"])
                if let kept { tables.append(kept) }  // keep serving the last good version
            }
        }
        // The canonical files of dropped tables go now; their versions once nothing uses them.
        let keptNames = Set(tables.map(\.name.rawValue))
        for (name, _) in previous where !keptNames.contains(name) {
            try? FileManager.default.removeItem(at: writer.dataDirectory.appendingPathComponent("\(name).parquet"))
            report.removed.append(name)
        }
        let sorted = tables.sorted { $0.name < $1.name }
        if !report.published.isEmpty || !report.removed.isEmpty || previous.count != sorted.count
            || !FileManager.default.fileExists(atPath: writer.extractFile.path)
        {
            try writer.write(tables: sorted)
            report.rewroteExtract = true
        }
        report.tables = sorted.map(\.name.rawValue)
        return report
    }

    /// Whether `file` is what a registration's `source_table` names: the file name itself, or, without a
    /// known extension, the name the file gives (the original CLIs send the table name by default).
    package static func gives(_ file: InputFile, sourceTable: String) -> Bool {
        let fileExtension = URL(fileURLWithPath: sourceTable).pathExtension.lowercased()
        if readers[fileExtension] != nil { return file.fileName == sourceTable }
        return file.claimedBy == nil && file.table != nil
            && file.table == Identifier.derived(from: sourceTable)?.rawValue
    }

    /// A file of the folder and the table it gives.
    public struct InputFile: Sendable, Hashable {
        /// Where it is.
        public var url: URL
        /// Its name.
        public var fileName: String { url.lastPathComponent }
        /// The table its name gives, nil when none can be derived.
        public var table: String?
        /// Size in bytes.
        public var sizeBytes: Int64
        /// The file that gives the same table first (by name), when this one comes second.
        public var claimedBy: String?
    }

    /// The files of the folder that could be tables, in name order.
    public func discover() throws -> [InputFile] {
        var claimed: [String: String] = [:]
        return try inputFiles().map { url in
            let table = Identifier.derived(from: url.deletingPathExtension().lastPathComponent)?.rawValue
            var size = stat()
            let sizeBytes = stat(url.path, &size) == 0 ? Int64(size.st_size) : 0
            var file = InputFile(url: url, table: table, sizeBytes: sizeBytes)
            if let table {
                file.claimedBy = claimed[table]
                if claimed[table] == nil { claimed[table] = url.lastPathComponent }
            }
            return file
        }
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
            && (table.delta.map { FileManager.default.fileExists(atPath: $0.file.readPath) } ?? true)
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
    /// Registered tables that were not due and kept what they had.
    public var kept: [String] = []
    /// Every table the extract now lists.
    public var tables: [String] = []
    /// Whether the extract was written anew (something changed).
    public var rewroteExtract = false
    /// Rows of the tables published or unchanged.
    public var rows: [String: Int] = [:]
    /// Milliseconds each published table's conversion took.
    public var durations: [String: Int] = [:]
}
