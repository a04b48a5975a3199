import AgnesStore
import Foundation
import Logging

/// Best-effort audit logging (REFERENCE §1.0, §7): writes one `audit_log` row per call, redacts
/// secret-looking parameters, and never throws — a failed audit write is logged and swallowed so it can
/// never break the action being audited.
///
/// ```swift
/// let audit = AuditLogger(repository: DuckDBAuditLogRepository(store: services.store), logger: services.logger)
/// await audit.record("login_failed", userID: user.id, resource: "user:\(user.id)",
///                    params: ["email": email, "ip": ip ?? ""], result: "invalid_password")
/// ```
public struct AuditLogger: Sendable {
    /// Substrings that mark a parameter key as secret (compared case-insensitively).
    public static let secretKeyFragments = ["password", "token", "secret", "key", "authorization", "cookie"]
    /// What a secret value is replaced by.
    public static let redactedValue = "***"

    let repository: any AuditLogRepository
    let clock: any WallClock
    let logger: Logger

    /// Creates the logger over a repository, stamping entries with `clock`'s time.
    ///
    /// ```swift
    /// let audit = AuditLogger(repository: DuckDBAuditLogRepository(store: store), logger: logger)
    /// ```
    public init(repository: some AuditLogRepository, clock: some WallClock = SystemWallClock(), logger: Logger) {
        self.repository = repository
        self.clock = clock
        self.logger = logger
    }

    /// Appends an audit entry; never throws. Secret parameters (key containing password, token, secret,
    /// key, authorization or cookie) are stored as `***`; empty `params` are stored as NULL.
    ///
    /// ```swift
    /// await audit.record("token.revoke", userID: actor.id, resource: "token:\(id)", params: [:], result: "ok")
    /// ```
    public func record(
        _ action: String, userID: String?, resource: String? = nil, params: [String: String] = [:],
        result: String? = nil, durationMS: Int? = nil
    ) async {
        do {
            try await repository.append(
                action: action, userID: userID, resource: resource,
                params: params.isEmpty ? nil : Self.redacted(params), result: result, durationMS: durationMS,
                at: clock.now)
        } catch {
            logger.warning(
                "audit write failed",
                metadata: [
                    "action": "\(action)", "user_id": "\(userID ?? "-")", "error": "\(String(reflecting: error))",
                ])
        }
    }

    /// `params` with every secret-looking key's value replaced by `***`.
    ///
    /// ```swift
    /// AuditLogger.redacted(["email": "a@b.c", "new_password": "hunter22"])  // ["email": "a@b.c", "new_password": "***"]
    /// ```
    public static func redacted(_ params: [String: String]) -> [String: String] {
        params.reduce(into: [:]) { result, pair in
            result[pair.key] = isSecret(key: pair.key) ? redactedValue : pair.value
        }
    }

    /// Whether a parameter key names a secret.
    public static func isSecret(key: String) -> Bool {
        let lowered = key.lowercased()
        return secretKeyFragments.contains { lowered.contains($0) }
    }
}
