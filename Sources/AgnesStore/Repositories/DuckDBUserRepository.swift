import AgnesCore
import DuckDB
import Foundation

/// ``UserRepository`` on the DuckDB system store.
public struct DuckDBUserRepository: UserRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = """
        id, email, name, password_hash, setup_token, setup_token_created, reset_token, reset_token_created,
        active, deactivated_at, deactivated_by, created_at, updated_at, session_epoch
        """

    public func create(_ user: User) async throws -> User {
        try await store.write { connection in
            try connection.run(
                """
                INSERT INTO users (\(Self.columns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, current_timestamp), ?, ?)
                """,
                [
                    .varchar(user.id), .varchar(user.email), .optional(user.name), .optional(user.passwordHash),
                    .optional(user.setupToken), .optional(user.setupTokenCreated), .optional(user.resetToken),
                    .optional(user.resetTokenCreated), .boolean(user.isActive), .optional(user.deactivatedAt),
                    .optional(user.deactivatedBy), .optional(user.createdAt), .optional(user.updatedAt),
                    .integer(Int32(clamping: user.sessionEpoch)),
                ])
            return try Self.fetch(connection, where: "id = ?", [.varchar(user.id)]).first!
        }
    }

    public func find(id: String) async throws -> User? {
        try await store.read { try Self.fetch($0, where: "id = ?", [.varchar(id)]).first }
    }

    /// Case-insensitive: `Ana@Example.com` finds `ana@example.com`; an exact match wins when several
    /// rows differ only in case (rows written before emails were normalised).
    public func find(email: String) async throws -> User? {
        try await store.read { connection in
            let users = try Self.fetch(connection, where: "lower(email) = lower(?)", [.varchar(email)], order: "email")
            return users.first { $0.email == email } ?? users.first
        }
    }

    public func findPrincipal(id: String) async throws -> (user: User, isAdmin: Bool)? {
        try await store.read { connection in
            guard let user = try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first else { return nil }
            let admins = try connection.query(
                "SELECT count(*) FROM user_group_members m JOIN user_groups g ON g.id = m.group_id "
                    + "WHERE m.user_id = ? AND g.name = ?",
                [.varchar(id), .varchar(SystemGroup.admin)])
            return (user, (admins.rows[0][0].int ?? 0) > 0)
        }
    }

    public func list() async throws -> [User] {
        try await store.read { try Self.fetch($0, where: "TRUE", [], order: "email") }
    }

    public func count() async throws -> Int {
        try await store.read { try $0.query("SELECT count(*) FROM users").rows[0][0].int ?? 0 }
    }

    public func noneHasPassword() async throws -> Bool {
        try await store.read {
            try $0.query("SELECT count(*) FROM users WHERE password_hash IS NOT NULL AND password_hash <> ''").rows[0][
                0
            ].int == 0
        }
    }

    public func update(id: String, name: String?, email: String?) async throws -> User? {
        try await store.write { connection in
            try connection.run(
                """
                UPDATE users SET name = coalesce(?, name), email = coalesce(?, email), updated_at = current_timestamp
                WHERE id = ?
                """, [.optional(name), .optional(email), .varchar(id)])
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first
        }
    }

    /// Also moves the user's session epoch on, so sessions signed in with the old password end.
    @discardableResult
    public func setPasswordHash(id: String, hash: String?) async throws -> User {
        try await store.write { connection in
            try Self.requireChanged(
                try connection.run(
                    """
                    UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1, updated_at = current_timestamp
                    WHERE id = ?
                    """, [.optional(hash), .varchar(id)]), id: id)
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first!
        }
    }

    /// Replaces the stored hash by `new` only while it is still `old` (a rehash at sign-in must not undo a
    /// password change made meanwhile). Sessions are untouched: the password is the same. Returns
    /// whether the hash was replaced.
    @discardableResult
    public func upgradePasswordHash(id: String, from old: String, to new: String) async throws -> Bool {
        try await store.write { connection in
            try connection.run(
                "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?",
                [.varchar(new), .varchar(id), .varchar(old)]) == 1
        }
    }

    /// Deactivation also moves the session epoch on: the user's sessions end.
    public func setActive(id: String, isActive: Bool, by actor: String?) async throws {
        try await store.write { connection in
            let sql =
                isActive
                ? "UPDATE users SET active = TRUE, deactivated_at = NULL, deactivated_by = NULL, updated_at = current_timestamp WHERE id = ?"
                : "UPDATE users SET active = FALSE, deactivated_at = current_timestamp, deactivated_by = ?, session_epoch = session_epoch + 1, updated_at = current_timestamp WHERE id = ?"
            let parameters: [DuckDBValue] = isActive ? [.varchar(id)] : [.optional(actor), .varchar(id)]
            try Self.requireChanged(try connection.run(sql, parameters), id: id)
        }
    }

    public func endSessions(id: String) async throws -> User {
        try await store.write { connection in
            try Self.requireChanged(
                try connection.run(
                    "UPDATE users SET session_epoch = session_epoch + 1, updated_at = current_timestamp WHERE id = ?",
                    [.varchar(id)]), id: id)
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first!
        }
    }

    public func delete(id: String) async throws -> Bool {
        try await store.write { try Self.delete($0, id: id) }
    }

    /// Deletes the user row and everything keyed by it, on a connection already in a transaction.
    static func delete(_ connection: Connection, id: String) throws -> Bool {
        // No ON DELETE CASCADE in the schema: children first.
        try connection.run("DELETE FROM user_group_members WHERE user_id = ?", [.varchar(id)])
        try connection.run("DELETE FROM personal_access_tokens WHERE user_id = ?", [.varchar(id)])
        try connection.run("DELETE FROM user_sync_settings WHERE user_id = ?", [.varchar(id)])
        try connection.run("DELETE FROM telegram_links WHERE user_id = ?", [.varchar(id)])
        return try connection.run("DELETE FROM users WHERE id = ?", [.varchar(id)]) > 0
    }

    public func setSetupToken(id: String, tokenHash: String?, at time: Date) async throws {
        try await setToken(column: "setup_token", id: id, tokenHash: tokenHash, at: time)
    }

    public func setResetToken(id: String, tokenHash: String?, at time: Date) async throws {
        try await setToken(column: "reset_token", id: id, tokenHash: tokenHash, at: time)
    }

    /// Whether the account with `email` holds the setup token `tokenHash` (whatever its age): after a
    /// failed ``consumeSetupToken(tokenHash:email:notBefore:)``, true means the token was right but old.
    public func holdsSetupToken(_ tokenHash: String, email: String) async throws -> Bool {
        try await holds(column: "setup_token", tokenHash: tokenHash, email: email)
    }

    /// Whether the account with `email` holds `tokenHash` in `column`, whatever the token's age.
    private func holds(column: String, tokenHash: String, email: String) async throws -> Bool {
        try await store.read { connection in
            try connection.query(
                "SELECT count(*) FROM users WHERE \(column) = ? AND lower(email) = lower(?)",
                [.varchar(tokenHash), .varchar(email)]
            ).rows[0][0].int ?? 0 > 0
        }
    }

    public func consumeSetupToken(tokenHash: String, email: String, notBefore: Date) async throws -> User? {
        try await consume(column: "setup_token", tokenHash: tokenHash, email: email, notBefore: notBefore)
    }

    public func consumeResetToken(tokenHash: String, email: String, notBefore: Date) async throws -> User? {
        try await consume(column: "reset_token", tokenHash: tokenHash, email: email, notBefore: notBefore)
    }

    private func setToken(column: String, id: String, tokenHash: String?, at time: Date) async throws {
        try await store.write { connection in
            try Self.requireChanged(
                try connection.run(
                    "UPDATE users SET \(column) = ?, \(column)_created = ? WHERE id = ?",
                    [.optional(tokenHash), tokenHash == nil ? .null : .optional(time), .varchar(id)]), id: id)
        }
    }

    private func consume(column: String, tokenHash: String, email: String, notBefore: Date) async throws -> User? {
        // A wrong token (the common case, and every guess) is answered by a read: no write transaction,
        // the same cost whether or not the address has an account.
        guard try await holds(column: column, tokenHash: tokenHash, email: email) else { return nil }
        return try await store.write { connection in
            // One statement decides: only the caller whose UPDATE matched gets the row back.
            let matched = try connection.query(
                """
                UPDATE users SET \(column) = NULL, \(column)_created = NULL, updated_at = current_timestamp
                WHERE \(column) = ? AND \(column)_created >= ? AND lower(email) = lower(?) RETURNING id
                """, [.varchar(tokenHash), .optional(notBefore), .varchar(email)])
            guard let id = matched.first?.string("id") else { return nil }
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first
        }
    }

    static func fetch(
        _ connection: Connection, where predicate: String, _ parameters: [DuckDBValue], order: String = "id"
    )
        throws -> [User]
    {
        try connection.query("SELECT \(columns) FROM users WHERE \(predicate) ORDER BY \(order)", parameters).records
            .map(user)
    }

    static func user(_ record: Record) throws -> User {
        User(
            id: try record.requiredString("id"), email: try record.requiredString("email"), name: record.string("name"),
            passwordHash: record.string("password_hash"), setupToken: record.string("setup_token"),
            setupTokenCreated: record.date("setup_token_created"), resetToken: record.string("reset_token"),
            resetTokenCreated: record.date("reset_token_created"), isActive: record.bool("active") ?? true,
            deactivatedAt: record.date("deactivated_at"), deactivatedBy: record.string("deactivated_by"),
            createdAt: record.date("created_at"), updatedAt: record.date("updated_at"),
            sessionEpoch: record.int("session_epoch") ?? 0)
    }

    private static func requireChanged(_ changed: Int, id: String) throws {
        if changed == 0 { throw StoreError(.notFound, "no user with id \(id)") }
    }
}
