import AgnesCore
import Foundation

/// Which uploaded session files have been mined for knowledge.
public protocol SessionExtractionRepository: Sendable {
    /// Records that `sessionFile` (`"<username>/<file>"`) was processed, replacing any earlier record.
    func markProcessed(
        sessionFile: String, username: String, fileHash: String?, itemsExtracted: Int, at time: Date
    ) async throws
    /// The processing record of `sessionFile`, nil if it was never processed.
    func find(sessionFile: String) async throws -> SessionExtraction?
}
