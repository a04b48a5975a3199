import AgnesAuth
import Foundation
import Testing

@Suite struct JWTSignerTests {
    let signer = try! JWTSigner(secret: Array("0123456789abcdef0123456789abcdef".utf8))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func claims(exp: Int? = 1_800_003_600, typ: String = "session") -> TokenClaims {
        TokenClaims(sub: "u1", email: "ana@example.com", typ: typ, iat: 1_800_000_000, jti: "j1", exp: exp)
    }

    @Test func signedTokensVerify() throws {
        let token = signer.sign(claims())
        #expect(try signer.verify(token, now: now) == claims())
        #expect(token.split(separator: ".").count == 3)
    }

    @Test func expiredTokensAreRefused() {
        let token = signer.sign(claims(exp: 1_799_999_999))
        #expect(throws: AuthError.invalidToken) { try signer.verify(token, now: now) }
    }

    @Test func aSessionWithoutExpiryIsRefused() {
        #expect(throws: AuthError.invalidToken) { try signer.verify(signer.sign(claims(exp: nil)), now: now) }
    }

    @Test(arguments: [
        // (iat, nbf, accepted): the clock is 1_800_000_000; 5 s of skew are allowed.
        (1_800_000_000, nil, true), (1_800_000_005, nil, true), (1_800_000_006, nil, false),
        (1_800_086_400, nil, false), (1_800_000_000, 1_800_000_000, true), (1_800_000_000, 1_800_000_600, false),
    ] as [(Int, Int?, Bool)])
    func tokensIssuedOrValidOnlyInTheFutureAreRefused(iat: Int, nbf: Int?, accepted: Bool) throws {
        var future = claims(exp: 1_800_090_000)
        future.iat = iat
        future.nbf = nbf
        let token = signer.sign(future)
        if accepted {
            #expect(try signer.verify(token, now: now).iat == iat)
        } else {
            #expect(throws: AuthError.invalidToken) { try signer.verify(token, now: now) }
        }
    }

    /// A 32-byte signature is 43 base64url characters: the last one carries 4 bits and 2 unused ones.
    /// Flipping an unused bit decodes to the same bytes; only the canonical spelling is accepted.
    @Test func aSignatureWithAlteredUnusedBitsIsRefused() throws {
        let token = signer.sign(claims())
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let lastCharacter = try #require(token.last)
        let last = try #require(alphabet.firstIndex(of: lastCharacter))
        #expect(last % 4 == 0)
        for unused in 1...3 {
            let variant = String(token.dropLast()) + String(alphabet[last + unused])
            #expect(throws: AuthError.invalidToken) { try signer.verify(variant, now: now) }
        }
        #expect(try signer.verify(token, now: now) == claims())
    }

    @Test func tokensWithoutExpiryAreAcceptedAsPATs() throws {
        #expect(try signer.verify(signer.sign(claims(exp: nil, typ: "pat")), now: now).exp == nil)
    }

    @Test func tamperedPayloadsAreRefused() throws {
        let token = signer.sign(claims())
        var parts = token.split(separator: ".").map(String.init)
        let forged = TokenClaims(sub: "admin", email: "x", typ: "session", iat: 1, jti: "j", exp: 1_900_000_000)
        parts[1] = Data(try JSONEncoder().encode(forged)).base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(throws: AuthError.invalidToken) { try signer.verify(parts.joined(separator: "."), now: now) }
    }

    @Test(arguments: [
        #"{"alg":"none","typ":"JWT"}"#, #"{"alg":"HS512","typ":"JWT"}"#, #"{"alg":"RS256"}"#, #"{"typ":"JWT"}"#,
    ])
    func otherAlgorithmsAreRefused(header: String) {
        let token = signer.sign(claims())
        let parts = token.split(separator: ".").map(String.init)
        let forgedHeader = Data(header.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(throws: AuthError.invalidToken) {
            try signer.verify("\(forgedHeader).\(parts[1]).\(parts[2])", now: now)
        }
        #expect(throws: AuthError.invalidToken) { try signer.verify("\(forgedHeader).\(parts[1]).", now: now) }
    }

    @Test func anotherSecretsSignatureIsRefused() throws {
        let other = try JWTSigner(secret: Array("ffffffffffffffffffffffffffffffff".utf8))
        #expect(throws: AuthError.invalidToken) { try signer.verify(other.sign(claims()), now: now) }
    }

    @Test(arguments: ["", "a.b", "a.b.c.d", "!!!.???.***", "e30.e30.e30"])
    func garbageIsRefused(token: String) {
        #expect(throws: AuthError.invalidToken) { try signer.verify(token, now: now) }
    }

    @Test func unknownTokenKindsAreRefused() {
        #expect(throws: AuthError.invalidToken) { try signer.verify(signer.sign(claims(typ: "refresh")), now: now) }
    }

    @Test func aRememberedTokenStillExpires() throws {
        let token = signer.sign(claims(exp: 1_800_000_010))
        #expect(try signer.verify(token, now: now).sub == "u1")
        #expect(try signer.verify(token, now: now).sub == "u1")  // from the verified-token cache
        #expect(throws: AuthError.invalidToken) { try signer.verify(token, now: now.addingTimeInterval(10)) }
    }

    @Test func aRememberedTokenDoesNotVouchForItsVariants() throws {
        let token = signer.sign(claims())
        _ = try signer.verify(token, now: now)
        var parts = token.split(separator: ".").map(String.init)
        let forged = TokenClaims(sub: "admin", email: "x", typ: "session", iat: 1, jti: "j", exp: 1_900_000_000)
        parts[1] = Data(try JSONEncoder().encode(forged)).base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(throws: AuthError.invalidToken) { try signer.verify(parts.joined(separator: "."), now: now) }
        #expect(throws: AuthError.invalidToken) { try signer.verify(token + "x", now: now) }
        let other = try JWTSigner(secret: Array("ffffffffffffffffffffffffffffffff".utf8))
        #expect(throws: AuthError.invalidToken) { try other.verify(token, now: now) }
    }

    @Test func shortSecretsAreRefused() {
        #expect(throws: AuthConfigurationError.self) { try JWTSigner(secret: Array("short".utf8)) }
    }
}

@Suite struct JWTSecretTests {
    @Test func generatedOnceWithMode0600AndReused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-secret-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try JWTSecret.load(configured: nil, stateDirectory: directory)
        let second = try JWTSecret.load(configured: nil, stateDirectory: directory)
        #expect(first == second && first.count == 64)
        let mode = try FileManager.default.attributesOfItem(
            atPath: directory.appendingPathComponent(".jwt_secret").path)[.posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o600)
    }

    @Test func aConfiguredSecretWinsAndMustBeLongEnough() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-secret-\(UUID())")
        #expect(
            try JWTSecret.load(configured: String(repeating: "k", count: 40), stateDirectory: directory).count == 40)
        let error = #expect(throws: AuthConfigurationError.self) {
            try JWTSecret.load(configured: "too-short", stateDirectory: directory)
        }
        #expect(error?.description.contains("at least 32 bytes") == true)
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }
}
