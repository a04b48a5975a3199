import CArgon2

/// An Argon2 password hash in the PHC string format the original implementation stored
/// (argon2-cffi's `PasswordHasher` defaults: `$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>`), verified
/// with Debian's reference libargon2. Accounts migrated from the original sign in with it once; the
/// sign-in then rehashes the password to bcrypt (`PasswordHasher.isCurrent`).
///
/// The cost parameters come from the stored string, so they are bounded before any work is done: a
/// row with an absurd memory or time cost is refused instead of exhausting the server.
struct Argon2Hash: Sendable, Equatable {
    enum Variant: String, Sendable {
        case argon2d, argon2i, argon2id

        var type: argon2_type {
            switch self {
            case .argon2d: Argon2_d
            case .argon2i: Argon2_i
            case .argon2id: Argon2_id
            }
        }
    }

    /// The largest memory cost accepted, in KiB (256 MiB; argon2-cffi's default is 64 MiB).
    static let maximumMemoryKiB = 1 << 18
    /// The largest time cost (passes) accepted.
    static let maximumIterations = 64
    /// The largest parallelism accepted.
    static let maximumParallelism = 64

    let variant: Variant
    let memoryKiB: Int
    let iterations: Int
    let parallelism: Int
    /// The whole PHC string, as stored.
    let encoded: String

    /// Whether `hash` is an Argon2 PHC string at all (it may still be malformed).
    static func isArgon2(_ hash: String) -> Bool { hash.hasPrefix("$argon2") }

    /// Parses a PHC string; nil when it is not a well-formed Argon2 hash within the bounds above.
    init?(_ encoded: String) {
        // $<variant>[$v=<version>]$m=<m>,t=<t>,p=<p>$<salt>$<hash>
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5 || parts.count == 6, parts[0].isEmpty,
            let variant = Variant(rawValue: String(parts[1]))
        else { return nil }
        var index = 2
        if parts.count == 6 {
            guard parts[2] == "v=19" || parts[2] == "v=16" else { return nil }
            index = 3
        }
        var costs: [Substring: Int] = [:]
        for pair in parts[index].split(separator: ",") {
            let keyValue = pair.split(separator: "=", maxSplits: 1)
            guard keyValue.count == 2, let value = Int(keyValue[1]), value > 0 else { return nil }
            costs[keyValue[0]] = value
        }
        guard let memory = costs["m"], let iterations = costs["t"], let parallelism = costs["p"], costs.count == 3,
            memory <= Self.maximumMemoryKiB, iterations <= Self.maximumIterations,
            parallelism <= Self.maximumParallelism, !parts[index + 1].isEmpty, !parts[index + 2].isEmpty
        else { return nil }
        self.variant = variant
        self.memoryKiB = memory
        self.iterations = iterations
        self.parallelism = parallelism
        self.encoded = encoded
    }

    /// Whether `password` matches. Blocking: argon2-cffi's defaults take 64 MiB and tens of
    /// milliseconds; callers run it off the cooperative pool.
    func verify(_ password: String) -> Bool {
        var bytes = Array(password.utf8)
        let result = bytes.withUnsafeMutableBytes { buffer in
            argon2_verify(encoded, buffer.baseAddress, buffer.count, variant.type)
        }
        // libargon2 only reads the password; wipe our copy all the same.
        for index in bytes.indices { bytes[index] = 0 }
        return result == ARGON2_OK.rawValue
    }
}
