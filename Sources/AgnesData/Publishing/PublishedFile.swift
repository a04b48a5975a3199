/// A file published atomically, with the content hash and size of the bytes that were written.
public struct PublishedFile: Sendable, Hashable, Codable {
    /// The final path.
    public let path: String
    /// MD5 of the content, 32 lowercase hex digits (the manifest `hash` and the download ETag).
    public let md5: String
    /// Size in bytes.
    public let sizeBytes: Int64

    /// Creates a value.
    public init(path: String, md5: String, sizeBytes: Int64) {
        self.path = path
        self.md5 = md5
        self.sizeBytes = sizeBytes
    }
}
