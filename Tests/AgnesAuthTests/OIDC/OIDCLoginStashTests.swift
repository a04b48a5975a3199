import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct OIDCLoginStashTests {
    let clock = TestClock()
    let signer = try! JWTSigner(secret: Array(String(repeating: "s", count: 32).utf8))

    func issuer(_ signer: JWTSigner? = nil) async throws -> TokenIssuer {
        let clock = self.clock
        return TokenIssuer(signer: signer ?? self.signer, store: try await SystemStore.inMemory(), now: { clock.now })
    }

    @Test func aStashRoundTripsAndMatchesOnlyItsState() async throws {
        let issuer = try await issuer()
        let attempt = OIDCAuthorizationRequest()
        let stash = try issuer.stash(from: issuer.stashToken(OIDCLoginStash(request: attempt, next: "/catalog?x=1")))
        #expect(stash.request == attempt)
        #expect(stash.next == "/catalog?x=1")
        #expect(stash.matches(state: attempt.state))
        #expect(!stash.matches(state: attempt.nonce))
        #expect(!stash.matches(state: ""))
    }

    @Test func aStashExpiresAfterTenMinutes() async throws {
        let issuer = try await issuer()
        let token = issuer.stashToken(OIDCLoginStash(request: OIDCAuthorizationRequest(), next: "/"))
        clock.advance(599)
        _ = try issuer.stash(from: token)
        clock.advance(2)
        let error = #expect(throws: OIDCError.self) { try issuer.stash(from: token) }
        #expect(error?.code == .stateMismatch)
    }

    @Test func forgedOrForeignTokensAreNotStashes() async throws {
        let issuer = try await issuer()
        let other = try await self.issuer(try JWTSigner(secret: Array(String(repeating: "o", count: 32).utf8)))
        let forged = other.stashToken(OIDCLoginStash(request: OIDCAuthorizationRequest(), next: "/"))
        #expect(throws: OIDCError.self) { try issuer.stash(from: forged) }
        let store = try await SystemStore.inMemory()
        let user = try await DuckDBUserRepository(store: store).create(User(id: "u1", email: "ana@example.com"))
        #expect(throws: OIDCError.self) { try issuer.stash(from: issuer.session(for: user)) }
        #expect(throws: OIDCError.self) { try issuer.stash(from: "not.a.token") }
    }

    @Test func aStashIsNeverASession() async throws {
        let issuer = try await issuer()
        let token = issuer.stashToken(OIDCLoginStash(request: OIDCAuthorizationRequest(), next: "/"))
        #expect(throws: AuthError.invalidToken) { try signer.verify(token, now: clock.now) }
    }
}
