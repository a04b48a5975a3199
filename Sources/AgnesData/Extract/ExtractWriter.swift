import AgnesCore
import DuckDB
import Foundation

/// Writes a source's `extract.duckdb`: `_meta`, one view per table, `_content_hashes` for published
/// files (with the delta of a table kept as a base and a delta, ``TableDelta``) and optionally
/// `_remote_attach`. The file is built as a unique temporary next to the target
/// and renamed over it, so readers see the old extract or the new one.
///
/// A published table's view reads its immutable version file (``PublishedFile/versionPath``), not the
/// canonical `data/<table>.parquet`: a generation that attached this extract keeps reading exactly these
/// bytes, whatever is published later. `_content_hashes.version_file` lists those files, which keeps
/// them from being collected while this extract is current.
public struct ExtractWriter: Sendable {
    /// `DATA_DIR/extracts/<source>`.
    public let sourceDirectory: URL

    /// Creates a writer for one source directory.
    public init(sourceDirectory: URL) { self.sourceDirectory = sourceDirectory }

    /// The extract file.
    public var extractFile: URL { sourceDirectory.appendingPathComponent("extract.duckdb") }

    /// The data directory of local tables.
    public var dataDirectory: URL { sourceDirectory.appendingPathComponent("data") }

    /// Where a local table's parquet file is published.
    public func dataFile(for table: Identifier) -> URL {
        dataDirectory.appendingPathComponent("\(table.rawValue).parquet")
    }

    /// Writes the extract atomically. Blocking.
    public func write(tables: [ExtractTable], remoteAttach: [RemoteAttach] = [], extraViews: [Identifier: String] = [:])
        throws
    {
        try FileManager.default.createDirectory(at: sourceDirectory, withIntermediateDirectories: true)
        let temporary = Publisher.temporaryURL(for: extractFile)
        do {
            do {
                let connection = try Database(path: temporary.path, options: ["threads": "1"]).connect()
                try Self.populate(connection, tables: tables, remoteAttach: remoteAttach, extraViews: extraViews)
                try connection.execute("CHECKPOINT")
            }
            try? FileManager.default.removeItem(atPath: temporary.path + ".wal")
            let descriptor = open(temporary.path, O_RDONLY)
            if descriptor >= 0 {
                fsync(descriptor)
                close(descriptor)
            }
            try? FileManager.default.removeItem(atPath: extractFile.path + ".wal")
            guard rename(temporary.path, extractFile.path) == 0 else {
                throw PublishError.system("rename", extractFile.path)
            }
            Publisher.syncDirectory(sourceDirectory)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            try? FileManager.default.removeItem(atPath: temporary.path + ".wal")
            throw error
        }
    }

    private static func populate(
        _ connection: Connection, tables: [ExtractTable], remoteAttach: [RemoteAttach], extraViews: [Identifier: String]
    ) throws {
        try connection.execute(
            """
            CREATE TABLE _meta (table_name VARCHAR NOT NULL, description VARCHAR, rows BIGINT, size_bytes BIGINT,
                extracted_at TIMESTAMP, query_mode VARCHAR DEFAULT 'local');
            CREATE TABLE _content_hashes (table_name VARCHAR NOT NULL, file VARCHAR NOT NULL, md5 VARCHAR NOT NULL,
                size_bytes BIGINT NOT NULL, source_signature VARCHAR, version_file VARCHAR, delta_file VARCHAR,
                delta_md5 VARCHAR, delta_size BIGINT, delta_version_file VARCHAR, merge_key VARCHAR)
            """)
        if tables.contains(where: { $0.file == nil && !$0.remoteColumns.isEmpty }) {
            try connection.execute(
                "CREATE TABLE _remote_tables (table_name VARCHAR NOT NULL, source_signature VARCHAR)")
        }
        for table in tables {
            try connection.run(
                "INSERT INTO _meta VALUES (?, ?, ?, ?, ?, ?)",
                [
                    .varchar(table.name.rawValue), .optional(table.description),
                    table.rows.map { .bigint($0) } ?? .null,
                    (table.sizeBytes ?? table.file?.sizeBytes).map { .bigint($0) } ?? .null,
                    .optional(table.extractedAt),
                    .varchar(table.queryMode),
                ])
            if let file = table.file {
                let delta = table.delta
                try connection.run(
                    "INSERT INTO _content_hashes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        .varchar(table.name.rawValue), .varchar(file.path), .varchar(file.md5), .bigint(file.sizeBytes),
                        .optional(table.sourceSignature), .optional(file.versionPath), .optional(delta?.file.path),
                        .optional(delta?.file.md5), delta.map { .bigint($0.file.sizeBytes) } ?? .null,
                        .optional(delta?.file.versionPath),
                        .optional(delta.map { LayeredRelation.encode(key: $0.key) }),
                    ])
                let select = LayeredRelation.select(
                    file: file.readPath, delta: delta.map { ($0.file.readPath, $0.key) })
                try connection.execute("CREATE VIEW \(table.name.quoted) AS \(select)")
            } else if !table.remoteColumns.isEmpty {
                let columns = table.remoteColumns.map { "\(SQLText.identifier($0.name)) \($0.type)" }
                try connection.execute("CREATE TABLE \(table.name.quoted) (\(columns.joined(separator: ", ")))")
                try connection.run(
                    "INSERT INTO _remote_tables VALUES (?, ?)",
                    [.varchar(table.name.rawValue), .optional(table.sourceSignature)])
            }
        }
        for (name, sql) in extraViews.sorted(by: { $0.key < $1.key }) {
            try connection.execute("CREATE VIEW \(name.quoted) AS \(sql)")
        }
        if !remoteAttach.isEmpty {
            try connection.execute(
                "CREATE TABLE _remote_attach (alias VARCHAR, extension VARCHAR, url VARCHAR, token_env VARCHAR)")
            for row in remoteAttach {
                try connection.run(
                    "INSERT INTO _remote_attach VALUES (?, ?, ?, ?)",
                    [.varchar(row.alias), .varchar(row.extensionName), .varchar(row.url), .varchar(row.tokenEnv)])
            }
        }
    }
}

/// SQL text helpers for the few places a value must be spelled out (DDL takes no parameters).
public enum SQLText {
    /// A single-quoted SQL string literal with quotes doubled.
    public static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
