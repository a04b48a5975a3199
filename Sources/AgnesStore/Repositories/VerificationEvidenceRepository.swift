import AgnesCore
import Foundation

/// Evidence that knowledge items hold, gathered from user sessions.
public protocol VerificationEvidenceRepository: Sendable {
    /// Appends a piece of evidence with a fresh id and returns it.
    @discardableResult
    func append(
        itemID: String, sourceUser: String?, sourceRef: String?, detectionType: String?, userQuote: String?,
        at time: Date
    ) async throws -> VerificationEvidence
    /// The evidence for one item, oldest first.
    func list(itemID: String) async throws -> [VerificationEvidence]
}
