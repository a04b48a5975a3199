/// A file published atomically, with the content hash and size of the bytes that were written.
public struct PublishedFile: Sendable, Hashable, Codable {
    /// The canonical path (`data/<table>.parquet`), which always holds the latest published content.
    public let path: String
    /// MD5 of the content, 32 lowercase hex digits (the manifest `hash` and the download ETag).
    public let md5: String
    /// Size in bytes.
    public let sizeBytes: Int64
    /// The immutable copy of exactly this content (`data/.versions/<table>.<md5>.parquet`), which views
    /// read; nil for a file published without versions.
    public let versionPath: String?

    /// Creates a value.
    public init(path: String, md5: String, sizeBytes: Int64, versionPath: String? = nil) {
        self.path = path
        self.md5 = md5
        self.sizeBytes = sizeBytes
        self.versionPath = versionPath
    }

    /// The path a reader binds to: the version when there is one, else the canonical path.
    public var readPath: String { versionPath ?? path }
}
