import Foundation

/// The record that one uploaded session file has been mined for knowledge, so it is not mined again
/// unless its content changes.
public struct SessionExtraction: Sendable, Hashable, Codable {
    /// `"<username>/<file>"`.
    public var sessionFile: String
    /// The session's owner.
    public var username: String
    /// When it was processed.
    public var processedAt: Date?
    /// How many items the extraction produced.
    public var itemsExtracted: Int
    /// Hash of the file content that was processed.
    public var fileHash: String?

    /// Creates an extraction record.
    public init(
        sessionFile: String, username: String, processedAt: Date? = nil, itemsExtracted: Int = 0,
        fileHash: String? = nil
    ) {
        self.sessionFile = sessionFile
        self.username = username
        self.processedAt = processedAt
        self.itemsExtracted = itemsExtracted
        self.fileHash = fileHash
    }
}
