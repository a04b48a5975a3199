import AgnesCore
import Foundation

/// One table of a source's `extract.duckdb`: a `_meta` row, and for local tables the published file.
public struct ExtractTable: Sendable, Hashable {
    /// The table (and view) name; also the registry id.
    public var name: Identifier
    /// Free text.
    public var description: String?
    /// Row count.
    public var rows: Int64?
    /// Size in bytes of the data file.
    public var sizeBytes: Int64?
    /// When the data was extracted.
    public var extractedAt: Date?
    /// `local` (a parquet file under `data/`) or `remote` (a view over an attached source).
    public var queryMode: String
    /// For local tables: the published file with its content hash (and the version the view reads).
    public var file: PublishedFile?
    /// For local tables: a signature of what the file was made from (lets a connector skip unchanged input).
    /// For remote tables: what the connector needs to reach the table at its source.
    public var sourceSignature: String?
    /// For remote tables: the columns, written as an empty table of that schema that the view reads
    /// (so the catalog and schema routes know them); the sandbox queries the source instead.
    public var remoteColumns: [RemoteColumn]
    /// For a local table kept as a base (``file``) and a delta: the delta. Nil for a single file.
    public var delta: TableDelta?

    /// Creates a table entry.
    public init(
        name: Identifier, description: String? = nil, rows: Int64? = nil, sizeBytes: Int64? = nil,
        extractedAt: Date? = nil,
        queryMode: String = "local", file: PublishedFile? = nil, sourceSignature: String? = nil,
        remoteColumns: [RemoteColumn] = [], delta: TableDelta? = nil
    ) {
        self.remoteColumns = remoteColumns
        self.delta = delta
        self.name = name
        self.description = description
        self.rows = rows
        self.sizeBytes = sizeBytes
        self.extractedAt = extractedAt
        self.queryMode = queryMode
        self.file = file
        self.sourceSignature = sourceSignature
    }
}

/// A `_remote_attach` row: how to attach an external catalog. `tokenEnv` names an environment
/// variable; the secret itself is never stored.
public struct RemoteAttach: Sendable, Hashable, Codable {
    /// The catalog alias views refer to.
    public var alias: String
    /// The DuckDB extension that attaches it.
    public var extensionName: String
    /// The connection URL.
    public var url: String
    /// The name of the environment variable holding the token ("" = ambient credentials).
    public var tokenEnv: String

    /// Creates a row.
    public init(alias: String, extensionName: String, url: String, tokenEnv: String) {
        self.alias = alias
        self.extensionName = extensionName
        self.url = url
        self.tokenEnv = tokenEnv
    }
}
