import DuckDB
import Foundation
import HummingbirdBcrypt

/// bcrypt password hashing, always off the cooperative pool (cost 12 takes about 0.3 s here).
public struct PasswordHasher: Sendable {
    /// The bcrypt cost.
    public let cost: UInt8

    /// The shortest password accepted.
    public static let minimumLength = 8

    /// Creates a hasher (cost 12 in production; tests may use less).
    public init(cost: UInt8 = 12) { self.cost = cost }

    /// Hashes a password.
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await offloaded("agnes.bcrypt") { Bcrypt.hash(password, cost: cost) }
    }

    /// Checks a password; with no stored hash it still does the work of one check, so that an unknown
    /// user and a wrong password take the same time.
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let ok = try await offloaded("agnes.bcrypt") { Bcrypt.verify(password, hash: hash ?? Self.dummyHash) }
        return hash != nil && ok
    }

    /// A valid cost-12 hash of a random string, used when there is no real hash to check.
    static let dummyHash = Bcrypt.hash(UUID().uuidString, cost: 12)
}
