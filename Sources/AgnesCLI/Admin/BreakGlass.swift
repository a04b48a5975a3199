import AgnesClient
import AgnesCore
import AgnesStore
import Foundation
import Logging

/// `agnes admin break-glass grant-admin`: makes someone an admin by writing the server's system
/// store directly, for when no admin can sign in. The server must be stopped (the store allows one
/// process); the user is created if missing and re-activated if deactivated.
public struct BreakGlass: Sendable {
    /// What was done.
    public struct Outcome: Sendable, Encodable {
        /// The user id.
        public var userID: String
        /// The email.
        public var email: String
        /// True when the user was created now.
        public var created: Bool
        /// True when the user was deactivated and is active again.
        public var reactivated: Bool
        /// False when the user already was an admin.
        public var addedToAdmin: Bool

        enum CodingKeys: String, CodingKey {
            case email, created, reactivated
            case userID = "user_id"
            case addedToAdmin = "added_to_admin"
        }
    }

    /// The server's data directory (holding `state/system.duckdb`).
    public let dataDirectory: String

    /// Creates the tool.
    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// Grants Admin to `email`.
    public func grantAdmin(email: String, logger: Logger) async throws -> Outcome {
        let address = email.trimmingCharacters(in: .whitespaces)
        guard address.contains("@"), address.count <= 320 else {
            throw ClientError(.usage, "not an email address: \(email)")
        }
        let storeFile = URL(fileURLWithPath: dataDirectory).appendingPathComponent("state/system.duckdb").path
        guard FileManager.default.fileExists(atPath: storeFile) else {
            throw ClientError(
                .notConfigured, "no system store at \(storeFile)",
                hint: "pass the server's data directory with --data-dir (or DATA_DIR)")
        }
        let store = try await SystemStore.open(dataDirectory: dataDirectory, readers: 1, logger: logger)
        let users = DuckDBUserRepository(store: store)
        let groups = DuckDBGroupRepository(store: store)
        var created = false
        var reactivated = false
        let user: User
        if let existing = try await users.find(email: address) {
            user = existing
            if !existing.isActive {
                try await users.setActive(id: existing.id, isActive: true, by: "cli:break-glass")
                reactivated = true
            }
        } else {
            user = try await users.create(
                User(id: UUID().uuidString.lowercased(), email: address, name: String(address.prefix { $0 != "@" })))
            created = true
        }
        guard let admin = try await groups.find(name: SystemGroup.admin) else {
            throw ClientError(.io, "the system store has no Admin group")
        }
        let added = try await groups.addMember(
            userID: user.id, groupID: admin.id, source: .cliBreakGlass, addedBy: "cli:break-glass")
        _ = try? await DuckDBAuditLogRepository(store: store).append(
            action: "break_glass.grant_admin", userID: nil, resource: "user:\(user.id)",
            params: ["email": address, "created": String(created)], result: "success", durationMS: nil, at: Date())
        return Outcome(
            userID: user.id, email: user.email, created: created, reactivated: reactivated, addedToAdmin: added)
    }
}
