import AgnesAuth
import Foundation
import Synchronization
import Testing
import _CryptoExtras

@Suite struct OIDCTokenVerifierTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let clientID = "client-123.apps.googleusercontent.com"
    /// Marks a claim to remove in the table of claim checks.
    static let absent = "<absent>"

    /// Counts JWKS fetches and serves whatever set is current.
    final class KeyServer: Sendable {
        let keys: Mutex<[String: _RSA.Signing.PublicKey]>
        let fetches = Mutex(0)

        init(_ keys: [String: _RSA.Signing.PublicKey] = ["key-1": TestJWT.providerKey.publicKey]) {
            self.keys = Mutex(keys)
        }

        var fetchCount: Int { fetches.withLock { $0 } }

        func cache() -> JWKSCache {
            JWKSCache(now: { OIDCTokenVerifierTests.now }) { [self] in
                fetches.withLock { $0 += 1 }
                return JSONWebKeySet(keys: keys.withLock { $0 })
            }
        }
    }

    static func claims(_ changes: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        var claims: [String: Any] = [
            "iss": "https://accounts.google.com", "sub": "1234567890", "aud": clientID, "azp": clientID,
            "exp": Int(now.timeIntervalSince1970) + 3600, "iat": Int(now.timeIntervalSince1970) - 10,
            "nonce": "nonce-1", "email": "ana@example.com", "email_verified": true, "name": "Ana Nováková",
            "hd": "example.com",
        ]
        changes(&claims)
        return claims
    }

    func verifier(_ server: KeyServer = KeyServer()) -> IDTokenVerifier {
        IDTokenVerifier(
            issuers: ["https://accounts.google.com", "accounts.google.com"], clientID: Self.clientID,
            keys: server.cache(), now: { Self.now })
    }

    @Test func aGoodTokenGivesItsClaims() async throws {
        let claims = try await verifier().verify(TestJWT.rs256(Self.claims()), nonce: "nonce-1")
        #expect(claims.subject == "1234567890")
        #expect(claims.email == "ana@example.com")
        #expect(claims.isEmailVerified)
        #expect(claims.name == "Ana Nováková")
        #expect(claims.hostedDomain == "example.com")
        #expect(claims.audience == [Self.clientID])
    }

    @Test func theSchemelessGoogleIssuerAndAStringEmailVerifiedFlagAreAccepted() async throws {
        let token = TestJWT.rs256(
            Self.claims {
                $0["iss"] = "accounts.google.com"
                $0["email_verified"] = "true"
            })
        let claims = try await verifier().verify(token, nonce: "nonce-1")
        #expect(claims.issuer == "accounts.google.com")
        #expect(claims.isEmailVerified)
    }

    @Test func aTokenWithoutEmailPassesSoTheCallerCanSayNoEmail() async throws {
        let token = TestJWT.rs256(
            Self.claims {
                $0["email"] = nil
                $0["email_verified"] = nil
            })
        let claims = try await verifier().verify(token, nonce: "nonce-1")
        #expect(claims.email == nil)
    }

    @Test func aSignatureByAnotherKeyIsRefused() async throws {
        let token = TestJWT.rs256(Self.claims(), key: TestJWT.otherKey)
        await expectInvalid(token)
    }

    @Test func aTamperedPayloadIsRefused() async throws {
        let good = TestJWT.rs256(Self.claims()).split(separator: ".")
        let forged = TestJWT.base64URL(TestJWT.json(Self.claims { $0["email"] = "root@example.com" }))
        await expectInvalid("\(good[0]).\(forged).\(good[2])")
    }

    @Test func anUnknownKidRefetchesTheKeysOnceThenFails() async throws {
        let server = KeyServer()
        let verifier = verifier(server)
        _ = try await verifier.verify(TestJWT.rs256(Self.claims()), nonce: "nonce-1")
        #expect(server.fetchCount == 1)
        _ = try await verifier.verify(TestJWT.rs256(Self.claims()), nonce: "nonce-1")
        #expect(server.fetchCount == 1, "a known kid is served from the cache")
        await expectInvalid(TestJWT.rs256(Self.claims(), kid: "key-unknown"), verifier: verifier)
        #expect(server.fetchCount == 2)
    }

    @Test func rotatedKeysAreFoundByTheRefetch() async throws {
        let server = KeyServer()
        let verifier = verifier(server)
        _ = try await verifier.verify(TestJWT.rs256(Self.claims()), nonce: "nonce-1")
        server.keys.withLock { $0 = ["key-2": TestJWT.otherKey.publicKey] }
        let claims = try await verifier.verify(
            TestJWT.rs256(Self.claims(), kid: "key-2", key: TestJWT.otherKey), nonce: "nonce-1")
        #expect(claims.subject == "1234567890")
        #expect(server.fetchCount == 2)
    }

    @Test func aMissingKidIsRefused() async throws {
        await expectInvalid(TestJWT.rs256(Self.claims(), kid: nil))
    }

    @Test func algNoneIsRefused() async throws {
        await expectInvalid(TestJWT.unsigned(Self.claims()))
    }

    @Test func hs256SignedWithThePublicKeyIsRefused() async throws {
        await expectInvalid(TestJWT.hs256WithPublicKey(Self.claims()))
    }

    @Test func anRS256HeaderOverAnotherAlgorithmsSignatureIsRefused() async throws {
        await expectInvalid(TestJWT.rs256(Self.claims(), alg: "RS512"))
    }

    @Test(
        arguments: [
            ("wrong issuer", ["iss": "https://evil.example.com"]),
            ("http issuer", ["iss": "http://accounts.google.com"]),
            ("wrong audience", ["aud": "someone-else", "azp": "someone-else"]),
            ("audience list without us", ["aud": ["a", "b"]]),
            ("audience list with another azp", ["aud": [OIDCTokenVerifierTests.clientID, "b"], "azp": "b"]),
            ("wrong nonce", ["nonce": "nonce-2"]),
            ("no nonce", ["nonce": OIDCTokenVerifierTests.absent]),
            ("expired beyond the leeway", ["exp": Int(OIDCTokenVerifierTests.now.timeIntervalSince1970) - 61]),
            ("issued in the future", ["iat": Int(OIDCTokenVerifierTests.now.timeIntervalSince1970) + 120]),
            ("unverified email", ["email_verified": false]),
            ("email without the verified flag", ["email_verified": OIDCTokenVerifierTests.absent]),
            ("no subject", ["sub": OIDCTokenVerifierTests.absent]),
        ] as [(String, [String: any Sendable])])
    func claimChecks(_ label: String, changes: [String: any Sendable]) async throws {
        let claims = Self.claims { (claims: inout [String: Any]) in
            for (key, value) in changes {
                if let text = value as? String, text == Self.absent {
                    claims[key] = nil
                } else {
                    claims[key] = value
                }
            }
        }
        await expectInvalid(TestJWT.rs256(claims), label)
    }

    @Test func expiryWithinTheLeewayIsStillAccepted() async throws {
        let token = TestJWT.rs256(Self.claims { $0["exp"] = Int(Self.now.timeIntervalSince1970) - 30 })
        _ = try await verifier().verify(token, nonce: "nonce-1")
    }

    @Test func anUnreachableJWKSIsAProviderError() async throws {
        let verifier = IDTokenVerifier(
            issuers: ["https://accounts.google.com"], clientID: Self.clientID,
            keys: JWKSCache { throw OIDCError(.providerUnavailable, "down") }, now: { Self.now })
        let error = await #expect(throws: OIDCError.self) {
            try await verifier.verify(TestJWT.rs256(Self.claims()), nonce: "nonce-1")
        }
        #expect(error?.code == .providerUnavailable)
    }

    func expectInvalid(
        _ token: String, _ label: String = "", verifier: IDTokenVerifier? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let verifier = verifier ?? self.verifier()
        let error = await #expect(throws: OIDCError.self, "\(label)", sourceLocation: sourceLocation) {
            try await verifier.verify(token, nonce: "nonce-1")
        }
        #expect(
            error?.code == .invalidIDToken, "\(label): \(String(describing: error))", sourceLocation: sourceLocation)
    }
}
