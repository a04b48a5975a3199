import AgnesAuth
import Foundation
import Synchronization
import Testing
import _CryptoExtras

@Suite struct JWKSCacheTests {
    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    @Test func parsingKeepsOnlyRSASigningKeysWithAKid() throws {
        let publicKey = TestJWT.providerKey.publicKey
        var noKid = TestJWT.jwk(kid: "x", key: publicKey)
        noKid["kid"] = nil
        var rs512 = TestJWT.jwk(kid: "rs512", key: publicKey)
        rs512["alg"] = "RS512"
        let document = TestJWT.jwks([
            TestJWT.jwk(kid: "good", key: publicKey),
            TestJWT.jwk(kid: "enc", key: publicKey, use: "enc"),
            TestJWT.jwk(kid: "ec", key: publicKey, kty: "EC"),
            ["kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"],
            noKid, rs512,
        ])
        let set = try JSONWebKeySet(json: document)
        #expect(Set(set.keys.keys) == ["good"])
        let parsed = try #require(set.keys["good"])
        #expect(parsed.derRepresentation == publicKey.derRepresentation)
    }

    @Test func aDocumentThatIsNotAKeySetThrows() {
        #expect(throws: OIDCError.self) { try JSONWebKeySet(json: Data("<html>".utf8)) }
        #expect(throws: OIDCError.self) { try JSONWebKeySet(json: Data(#"{"nokeys":[]}"#.utf8)) }
    }

    @Test func staleKeysAreRefreshedButKeptWhenTheProviderIsDown() async throws {
        let clock = Clock()
        let fetches = Mutex(0)
        let isDown = Mutex(false)
        let cache = JWKSCache(maxAge: 3600, now: { clock.now }) {
            fetches.withLock { $0 += 1 }
            if isDown.withLock({ $0 }) { throw OIDCError(.providerUnavailable, "down") }
            return JSONWebKeySet(keys: ["k": TestJWT.providerKey.publicKey])
        }
        #expect(try await cache.key(id: "k") != nil)
        clock.advance(1800)
        #expect(try await cache.key(id: "k") != nil)
        #expect(fetches.withLock { $0 } == 1)
        clock.advance(3600)
        isDown.withLock { $0 = true }
        #expect(try await cache.key(id: "k") != nil, "a stale key is better than no sign-in")
        #expect(fetches.withLock { $0 } == 2)
        await #expect(throws: OIDCError.self) { try await cache.key(id: "other") }
    }

    @Test func concurrentMissesShareOneFetch() async throws {
        let fetches = Mutex(0)
        let cache = JWKSCache {
            fetches.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(50))
            return JSONWebKeySet(keys: ["k": TestJWT.providerKey.publicKey])
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    let key = try await cache.key(id: "k")
                    #expect(key != nil)
                }
            }
            try await group.waitForAll()
        }
        #expect(fetches.withLock { $0 } == 1)
    }
}
