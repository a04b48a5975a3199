import AgnesCore
import Foundation

/// Personal access tokens: minting, lookup, revocation and last-use tracking.
public protocol AccessTokenRepository: Sendable {
    /// Stores a new token; `.conflict` when the id is taken.
    func create(_ token: AccessToken) async throws -> AccessToken
    /// The token with `id` (the JWT `jti`), revoked or not.
    func find(id: String) async throws -> AccessToken?
    /// The user's tokens, revoked ones included, newest first.
    func list(userID: String) async throws -> [AccessToken]
    /// Every user's tokens, newest first (admin view).
    func listAll() async throws -> [AccessToken]
    /// Revokes a token. Revoking again keeps the first revocation time. Returns false when absent.
    @discardableResult
    func revoke(id: String, at time: Date) async throws -> Bool
    /// Records that the token was presented from `ip` at `time` and returns the address it was last
    /// used from before this call (nil on first use), so the caller can audit a use from a new
    /// address. A nil `ip` keeps the stored address. `.notFound` when there is no such token.
    func recordUse(id: String, ip: String?, at time: Date) async throws -> String?
    /// Deletes every token of the user. Returns how many.
    @discardableResult
    func deleteAll(userID: String) async throws -> Int
}
