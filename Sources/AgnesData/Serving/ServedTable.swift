import Foundation

/// One table a generation serves: the view's name (the table id), the source that publishes it, and,
/// for a local table, the immutable file its view reads with that file's content hash and size — the
/// same bytes the manifest announces, a download streams and the query sandbox reads.
public struct ServedTable: Sendable, Hashable {
    /// The table id: the registry id, the view name and the file name (DESIGN decision 2).
    public let id: String
    /// The source directory name under `extracts/`.
    public let source: String
    /// `local` or `remote` (from the extract's `_meta`).
    public let queryMode: String
    /// The file the view reads; nil for a table without local data (remote mode).
    public let file: URL?
    /// Content MD5 of `file` (32 lowercase hex).
    public let md5: String?
    /// Size of `file` in bytes.
    public let sizeBytes: Int64?
    /// Row count the extract recorded.
    public let rows: Int64?
    /// For a remote table: its columns (names and types), which the sandbox's view over it gives.
    public let remoteColumns: [RemoteColumn]
    /// For a local table kept as a base (``file``) and a delta: the delta. The table's rows are then
    /// ``relation(reading:)``, not `file` alone, and no single file holds them (a download is built from
    /// both).
    public let delta: ServedDelta?

    /// Creates a value.
    public init(
        id: String, source: String, queryMode: String, file: URL?, md5: String?, sizeBytes: Int64?, rows: Int64?,
        remoteColumns: [RemoteColumn] = [], delta: ServedDelta? = nil
    ) {
        self.remoteColumns = remoteColumns
        self.delta = delta
        self.id = id
        self.source = source
        self.queryMode = queryMode
        self.file = file
        self.md5 = md5
        self.sizeBytes = sizeBytes
        self.rows = rows
    }

    /// The files the table's rows are read from: `file`, then the delta's.
    public var dataFiles: [URL] { (file.map { [$0] } ?? []) + (delta.map { [$0.file] } ?? []) }

    /// What identifies the table's content: the file's MD5, joined by the delta's when there is one.
    public var contentVersion: String? {
        md5.map { LayeredRelation.contentVersion(md5: $0, deltaMD5: delta?.md5) }
    }

    /// Bytes of the table's data files.
    public var dataSizeBytes: Int64? { sizeBytes.map { $0 + (delta?.sizeBytes ?? 0) } }

    /// A SELECT of the table's rows for a local table, reading each data file by the path `path` gives.
    public func select(reading path: (URL) -> String = { $0.path }) -> String? {
        guard let file else { return nil }
        return LayeredRelation.select(file: path(file), delta: delta.map { (path($0.file), $0.key) })
    }
}
