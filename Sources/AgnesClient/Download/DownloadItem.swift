import Foundation

/// One table file to fetch from `GET /api/data/{table}/download`.
public struct DownloadItem: Sendable, Hashable {
    /// The table id (validated by the caller: it names a file).
    public var table: String
    /// The manifest's MD5 of the file; "" when unknown (then the parquet magic bytes are checked).
    public var expectedHash: String
    /// The manifest's size, used for progress and to drop a stale partial file.
    public var expectedSize: Int64?
    /// Where the verified file goes (the partial download is `<destination>.part`).
    public var destination: URL

    /// Creates an item.
    public init(table: String, expectedHash: String, expectedSize: Int64?, destination: URL) {
        self.table = table
        self.expectedHash = expectedHash
        self.expectedSize = expectedSize
        self.destination = destination
    }

    /// The partial download.
    public var partial: URL { URL(fileURLWithPath: destination.path + ".part") }
}

/// A table file fetched and verified.
public struct DownloadOutcome: Sendable, Hashable {
    /// The table id.
    public var table: String
    /// The file's MD5.
    public var hash: String
    /// The file's size.
    public var size: Int64
    /// Bytes transferred in this run (less than `size` after a resume).
    public var transferred: Int64
    /// Where an earlier, interrupted download was resumed from (0: from the start).
    public var resumedFrom: Int64
    /// Attempts made (1 without retries).
    public var attempts: Int
}
