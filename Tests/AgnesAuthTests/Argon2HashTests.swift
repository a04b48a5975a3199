import AgnesTestSupport
import Foundation
import Testing

@testable import AgnesAuth

/// Passwords of accounts migrated from the original: argon2-cffi's hashes verify, bcrypt stays ours.
@Suite struct Argon2HashTests {
    let hasher = PasswordHasher(cost: 4)

    /// Made once with argon2-cffi 25.1.0's `PasswordHasher()` (its defaults, as the original stored them).
    static let fixed: [(password: String, hash: String)] = [
        (
            "correct horse battery staple",
            "$argon2id$v=19$m=65536,t=3,p=4$VnMZ+VRq2waoV9ElCrmypQ$+Nqg0vacJSHaJeF1b6uaE71/fSSbMUQO8JGgw4UvshU"
        ),
        (
            "pässwörd-ünïcode-8",
            "$argon2id$v=19$m=65536,t=3,p=4$2PFliCVXFX/4Sau3gtMuRg$uHPZJ7Ti09qUzGrTozpdc07yV4Glsd2Dxtj5aGONygo"
        ),
        (
            "12345678",
            "$argon2id$v=19$m=65536,t=3,p=4$oQXYu1//+1DhFNCr3HDD8Q$DBKQ5g/ERN2LUJxvMuwk+wr0iIU9lyKOvszxtXE5xhA"
        ),
        // argon2-cffi with type=Type.I, which older deployments may hold.
        (
            "argon2i-password",
            "$argon2i$v=19$m=65536,t=3,p=4$8ubfI/8HtdsWJPJmPrOrBQ$weXToDl8qwbrfyjZW4lGI9FqEy81E8PMIunkApNsx7E"
        ),
    ]

    @Test func argon2CFFIHashesOfTheOriginalVerify() async throws {
        for (password, hash) in Self.fixed {
            #expect(try await hasher.verify(password, hash: hash), "\(password)")
            #expect(try await !hasher.verify(password + "x", hash: hash))
            #expect(try await !hasher.verify("", hash: hash))
            #expect(!PasswordHasher.isCurrent(hash))
        }
    }

    @Test func freshArgon2CFFIHashesVerify() async throws {
        let passwords = ["a-fresh-password", "ünïcödé and spaces ✓", String(repeating: "long", count: 64)]
        let hashes = try OriginalPasswordHasher.hash(passwords)
        for (password, hash) in zip(passwords, hashes) {
            #expect(hash.hasPrefix("$argon2id$v=19$m=65536,t=3,p=4$"))
            #expect(try await hasher.verify(password, hash: hash))
            #expect(try await !hasher.verify(password.uppercased(), hash: hash))
        }
    }

    @Test func malformedOrUnboundedArgon2HashesNeverMatch() async throws {
        let (password, good) = Self.fixed[0]
        let variants = [
            good.replacingOccurrences(of: "$argon2id$", with: "$argon2x$"),  // unknown variant
            good.replacingOccurrences(of: "v=19", with: "v=7"),  // unknown version
            good.replacingOccurrences(of: "m=65536", with: "m=4194304"),  // 4 GiB: refused before any work
            good.replacingOccurrences(of: "t=3", with: "t=100000"),
            good.replacingOccurrences(of: "p=4", with: "p=0"),
            good.replacingOccurrences(of: ",p=4", with: ""),  // a cost missing
            String(good.dropLast(10)),  // truncated digest
            "$argon2id$v=19$m=65536,t=3,p=4$$",  // no salt, no digest
            "$argon2id",
            good.replacingOccurrences(of: "$argon2id$", with: "$argon2i$"),  // the wrong variant for this digest
        ]
        for hash in variants {
            #expect(try await !hasher.verify(password, hash: hash), "\(hash)")
        }
        #expect(Argon2Hash(good.replacingOccurrences(of: "m=65536", with: "m=4194304")) == nil)
        #expect(Argon2Hash(good)?.memoryKiB == 65536)
    }

    @Test func bcryptStaysCurrentAndArgon2DoesNot() async throws {
        let hash = try await hasher.hash("a-password")
        #expect(PasswordHasher.isCurrent(hash))
        #expect(try await hasher.verify("a-password", hash: hash))
        #expect(!PasswordHasher.isCurrent(Self.fixed[0].hash))
        #expect(!PasswordHasher.isCurrent("plain text"))
    }

    @Test func concurrentChecksAllFinishThroughTheLimit() async throws {
        let (password, hash) = Self.fixed[0]
        let hasher = self.hasher
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<6 {
                group.addTask { try await hasher.verify(index % 2 == 0 ? password : "wrong", hash: hash) }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 3 && results.count == 6)
    }
}
