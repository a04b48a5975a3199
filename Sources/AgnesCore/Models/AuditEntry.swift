import Foundation

/// One line of the audit log: who did what to which resource, and how it went.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Stable id.
    public var id: String
    /// When it happened.
    public var timestamp: Date
    /// The acting user (an id, or an email for corporate-memory governance); nil for the system.
    public var userID: String?
    /// Dotted action name, e.g. `token.create` or `corporate_memory.approve`.
    public var action: String
    /// What was acted on, e.g. `token:<id>`.
    public var resource: String?
    /// Extra details. Non-string values written by older versions read back as their JSON text.
    public var params: [String: String]?
    /// The outcome, e.g. `ok` or an error summary.
    public var result: String?
    /// How long the action took.
    public var durationMS: Int?

    /// Creates an audit entry value.
    public init(
        id: String, timestamp: Date, userID: String? = nil, action: String, resource: String? = nil,
        params: [String: String]? = nil, result: String? = nil, durationMS: Int? = nil
    ) {
        self.id = id
        self.timestamp = timestamp
        self.userID = userID
        self.action = action
        self.resource = resource
        self.params = params
        self.result = result
        self.durationMS = durationMS
    }
}
