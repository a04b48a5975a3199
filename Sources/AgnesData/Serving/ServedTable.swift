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

    /// Creates a value.
    public init(
        id: String, source: String, queryMode: String, file: URL?, md5: String?, sizeBytes: Int64?, rows: Int64?,
        remoteColumns: [RemoteColumn] = []
    ) {
        self.remoteColumns = remoteColumns
        self.id = id
        self.source = source
        self.queryMode = queryMode
        self.file = file
        self.md5 = md5
        self.sizeBytes = sizeBytes
        self.rows = rows
    }
}
