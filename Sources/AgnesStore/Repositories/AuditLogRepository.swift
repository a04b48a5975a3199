import AgnesCore
import Foundation

/// The append-only audit log.
///
/// Auditing must never break the action being audited: ``append(action:userID:resource:params:result:durationMS:at:)``
/// throws like any store call, and callers are expected to log and swallow the error at their boundary.
public protocol AuditLogRepository: Sendable {
    /// Appends an entry with a fresh id and returns it.
    @discardableResult
    func append(
        action: String, userID: String?, resource: String?, params: [String: String]?, result: String?,
        durationMS: Int?, at time: Date
    ) async throws -> AuditEntry
    /// Matching entries, newest first.
    func entries(matching filter: AuditLogFilter) async throws -> [AuditEntry]
    /// How many entries match (ignoring the filter's limit and offset).
    func count(matching filter: AuditLogFilter) async throws -> Int
}
