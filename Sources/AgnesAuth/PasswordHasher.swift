import DuckDB
import Foundation
import HummingbirdBcrypt
import Synchronization

/// bcrypt password hashing, always off the cooperative pool (cost 12 takes about 0.3 s here).
///
/// Verification also accepts the Argon2 hashes of accounts migrated from the original implementation
/// (`Argon2Hash`); `isCurrent` tells the sign-in to rehash those to bcrypt once the password is known.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost.
    public let cost: UInt8

    /// The shortest password accepted.
    public static let minimumLength = 8

    /// Called once per bcrypt verification (tests count them); nil in production.
    let verificationObserver: (@Sendable (_ hashedWithDummy: Bool) -> Void)?

    /// Creates a hasher (cost 12 in production; tests may use less).
    public init(cost: UInt8 = 12) {
        self.cost = cost
        self.verificationObserver = nil
    }

    /// A hasher that reports each verification, and whether it ran against the stand-in hash (no
    /// stored hash): tests check that an unknown user costs the same bcrypt work as a wrong password
    /// by counting, not by timing.
    public init(cost: UInt8, observingVerifications observer: @escaping @Sendable (_ hashedWithDummy: Bool) -> Void) {
        self.cost = cost
        self.verificationObserver = observer
    }

    /// Hashes a password.
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await offloaded("agnes.bcrypt") { Bcrypt.hash(password, cost: cost) }
    }

    /// Checks a password; with no stored hash it still does the work of one check, against a stand-in
    /// hash of this hasher's own cost, so that an unknown user and a wrong password take the same time.
    /// An Argon2 hash (migrated from the original) is checked with Argon2; a malformed one never matches.
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        if let hash, Argon2Hash.isArgon2(hash) {
            let argon2 = Argon2Hash(hash)
            // Each check takes its memory cost (64 MiB at argon2-cffi's defaults): a few at a time.
            await Self.argon2Checks.acquire()
            let ok: Bool
            do {
                ok = try await offloaded("agnes.argon2") { argon2?.verify(password) ?? false }
            } catch {
                await Self.argon2Checks.release()
                throw error
            }
            await Self.argon2Checks.release()
            verificationObserver?(false)
            return ok
        }
        let checked = hash ?? Self.dummyHash(cost: cost)
        let ok = try await offloaded("agnes.bcrypt") { Bcrypt.verify(password, hash: checked) }
        verificationObserver?(hash == nil)
        return hash != nil && ok
    }

    /// Whether `hash` is in this hasher's own format (bcrypt); a sign-in that verified any other
    /// (an Argon2 hash of the original's) stores a fresh bcrypt hash of the password.
    public static func isCurrent(_ hash: String) -> Bool {
        hash.hasPrefix("$2a$") || hash.hasPrefix("$2b$") || hash.hasPrefix("$2y$")
    }

    /// A valid hash of a random string at `cost`, used when there is no real hash to check; made once
    /// per cost.
    static func dummyHash(cost: UInt8) -> String {
        if let known = dummyHashes.withLock({ $0[cost] }) { return known }
        let made = Bcrypt.hash(UUID().uuidString, cost: cost)
        return dummyHashes.withLock { hashes in
            if let first = hashes[cost] { return first }  // another thread made one meanwhile
            hashes[cost] = made
            return made
        }
    }

    private static let dummyHashes = Mutex<[UInt8: String]>([:])

    /// Argon2 checks running at once, process-wide.
    static let argon2Checks = ConcurrencyLimit(width: 2)
}

/// At most `width` holders at a time; the others wait, first come first served.
actor ConcurrencyLimit {
    let width: Int
    private var holders = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = width }

    func acquire() async {
        if holders < width {
            holders += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            holders -= 1
        } else {
            waiting.removeFirst().resume()  // the place passes straight to the next in line
        }
    }
}
