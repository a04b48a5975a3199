import AgnesCore
import Foundation

/// Users: creation, lookup, profile and password changes, activation, and the single-use tokens
/// (setup, reset, magic link) stored on the user row.
public protocol UserRepository: Sendable {
    /// Inserts a user; `.conflict` when the id or email is taken.
    func create(_ user: User) async throws -> User
    /// The user with `id`.
    func find(id: String) async throws -> User?
    /// The user with exactly this email (case-sensitive).
    func find(email: String) async throws -> User?
    /// The user with `id` and whether they are in the `Admin` group, read together (the per-request
    /// authentication path).
    func findPrincipal(id: String) async throws -> (user: User, isAdmin: Bool)?
    /// Every user, ordered by email.
    func list() async throws -> [User]
    /// The number of users.
    func count() async throws -> Int
    /// True while no user has a password (bootstrap is open).
    func noneHasPassword() async throws -> Bool
    /// Changes name and/or email; nil leaves a field as it is. Returns the updated user.
    func update(id: String, name: String?, email: String?) async throws -> User?
    /// Sets (or clears) the password hash and ends the user's sessions; returns the updated user.
    @discardableResult
    func setPasswordHash(id: String, hash: String?) async throws -> User
    /// Ends every session of the user ("sign out everywhere"); returns the updated user.
    func endSessions(id: String) async throws -> User
    /// Activates or deactivates; deactivation records who and when and ends the user's sessions.
    func setActive(id: String, isActive: Bool, by actor: String?) async throws
    /// Deletes the user and their memberships and tokens. Returns false when there was no such user.
    func delete(id: String) async throws -> Bool
    /// Stores the hash of a new setup token (replacing any previous one).
    func setSetupToken(id: String, tokenHash: String?, at time: Date) async throws
    /// Stores the hash of a new reset / magic-link token (replacing any previous one).
    func setResetToken(id: String, tokenHash: String?, at time: Date) async throws
    /// Consumes a setup token by compare-and-swap: returns the user when `tokenHash` matched the token
    /// of the user with `email` (case-insensitive) issued after `notBefore`, and clears it in the same
    /// statement, so it can be used only once.
    func consumeSetupToken(tokenHash: String, email: String, notBefore: Date) async throws -> User?
    /// Consumes a reset / magic-link token by compare-and-swap (see
    /// ``consumeSetupToken(tokenHash:email:notBefore:)``).
    func consumeResetToken(tokenHash: String, email: String, notBefore: Date) async throws -> User?
}
