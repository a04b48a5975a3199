import AgnesAuth
import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Testing

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

final class AuditSink: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [(String, [String: String])] = []
    func record(_ action: String, _ params: [String: String]) { lock.withLock { rows.append((action, params)) } }
    var actions: [String] { lock.withLock { rows.map(\.0) } }
    var last: [String: String]? { lock.withLock { rows.last?.1 } }
}

@Suite struct AuthenticatorTests {
    let clock = TestClock()
    let audit = AuditSink()
    let signer = try! JWTSigner(secret: Array(String(repeating: "s", count: 32).utf8))

    func fixture(scheduler: String? = nil, localDev: String? = nil) async throws -> (
        SystemStore, Authenticator, TokenIssuer, User
    ) {
        let store = try await SystemStore.inMemory()
        let clock = self.clock
        let audit = self.audit
        let authenticator = Authenticator(
            signer: signer, store: store, schedulerSecret: scheduler, localDevEmail: localDev,
            audit: { action, _, _, params in audit.record(action, params) }, now: { clock.now })
        let issuer = TokenIssuer(signer: signer, store: store, now: { clock.now })
        let user = try await DuckDBUserRepository(store: store).create(User(id: "u1", email: "ana@example.com"))
        return (store, authenticator, issuer, user)
    }

    @Test func sessionTokensFromBearerOrCookie() async throws {
        let (_, authenticator, issuer, user) = try await fixture()
        let token = issuer.session(for: user)
        let viaBearer = try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        #expect(viaBearer.user.id == "u1" && !viaBearer.isAdmin && viaBearer.isInteractiveSession)
        let viaCookie = try await authenticator.authenticate(bearer: nil, cookie: token, clientIP: nil)
        #expect(viaCookie.user.id == "u1")
        await #expect(throws: AuthError.missingCredentials) {
            try await authenticator.authenticate(bearer: nil, cookie: nil, clientIP: nil)
        }
        let padded = try await authenticator.authenticate(bearer: " \(token)\t", cookie: nil, clientIP: nil)
        #expect(padded.user.id == "u1")
        for blank in ["", "  ", "\t"] {
            await #expect(throws: AuthError.missingCredentials) {
                try await authenticator.authenticate(bearer: blank, cookie: nil, clientIP: nil)
            }
        }
        clock.advance(24 * 3600 + 1)
        await #expect(throws: AuthError.invalidToken) {
            try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        }
    }

    @Test func aSignedOutSessionIsRefusedAlsoAfterARestartAndOthersStay() async throws {
        let (store, authenticator, issuer, user) = try await fixture()
        let kept = issuer.session(for: user)
        let ended = issuer.session(for: user)
        try await authenticator.signOut(token: " \(ended) ")  // padded, as a header may carry it
        await #expect(throws: AuthError.invalidToken) {
            try await authenticator.authenticate(bearer: ended, cookie: nil, clientIP: nil)
        }
        #expect(try await authenticator.authenticate(bearer: kept, cookie: nil, clientIP: nil).user.id == user.id)
        // A new process reads the revocations back from the store.
        let clock = self.clock
        let restarted = Authenticator(
            signer: signer, store: store, schedulerSecret: nil, localDevEmail: nil, now: { clock.now })
        try await restarted.revokedSessions.load(now: clock.now)
        await #expect(throws: AuthError.invalidToken) {
            try await restarted.authenticate(bearer: ended, cookie: nil, clientIP: nil)
        }
        #expect(try await restarted.authenticate(bearer: kept, cookie: nil, clientIP: nil).user.id == user.id)
    }

    @Test func aPasswordChangeDeactivationOrSignOutEverywhereEndsEarlierSessions() async throws {
        let (store, authenticator, issuer, user) = try await fixture()
        let users = DuckDBUserRepository(store: store)
        func accepts(_ token: String) async -> Bool {
            (try? await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)) != nil
        }
        let beforePassword = issuer.session(for: user)
        let changed = try await users.setPasswordHash(id: user.id, hash: "$2b$04$abcdefghijklmnopqrstuv")
        #expect(changed.sessionEpoch == user.sessionEpoch + 1)
        #expect(await !accepts(beforePassword))
        let afterPassword = issuer.session(for: changed)
        #expect(await accepts(afterPassword))

        let everywhere = try await users.endSessions(id: user.id)
        #expect(await !accepts(afterPassword))
        let beforeDeactivation = issuer.session(for: everywhere)
        #expect(await accepts(beforeDeactivation))
        try await users.setActive(id: user.id, isActive: false, by: "admin")
        try await users.setActive(id: user.id, isActive: true, by: nil)
        #expect(await !accepts(beforeDeactivation), "a session from before a deactivation must not come back")
        let current = try #require(try await users.find(id: user.id))
        #expect(await accepts(issuer.session(for: current)))
    }

    @Test func signingOutAPATOrGarbageChangesNothing() async throws {
        let (_, authenticator, issuer, user) = try await fixture()
        let pat = try await issuer.personalAccessToken(for: user, name: "ci", lifetime: nil, scope: "general")
        try await authenticator.signOut(token: pat.token)
        try await authenticator.signOut(token: "not-a-token")
        #expect(try await authenticator.authenticate(bearer: pat.token, cookie: nil, clientIP: nil).user.id == user.id)
    }

    @Test func deactivatedOrDeletedUsersAreRefused() async throws {
        let (store, authenticator, issuer, user) = try await fixture()
        let token = issuer.session(for: user)
        try await DuckDBUserRepository(store: store).setActive(id: "u1", isActive: false, by: "admin")
        await #expect(throws: AuthError.deactivated) {
            try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        }
        _ = try await DuckDBUserRepository(store: store).delete(id: "u1")
        await #expect(throws: AuthError.userNotFound) {
            try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        }
    }

    @Test func patsAreCheckedAgainstTheirRow() async throws {
        let (store, authenticator, issuer, user) = try await fixture()
        let (token, row) = try await issuer.personalAccessToken(
            for: user, name: "cli", lifetime: 3600, scope: "general")
        #expect(row.tokenHash == Authenticator.sha256Hex(token) && row.prefix.count == 8)
        let caller = try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: "10.0.0.1")
        #expect(caller.credential == .personalAccessToken(tokenID: row.id, scope: "general"))
        // A second use from another address is audited.
        _ = try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: "10.0.0.2")
        #expect(audit.actions == ["token.first_use_new_ip"])
        #expect(audit.last == ["ip": "10.0.0.2", "previous_ip": "10.0.0.1"])
        try await DuckDBAccessTokenRepository(store: store).revoke(id: row.id, at: clock.now)
        await #expect(throws: AuthError.tokenRevoked) {
            try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        }
    }

    @Test func aCachedCallerSeesTheNextDeactivationAndGroupChangeAtOnce() async throws {
        let (store, authenticator, issuer, user) = try await fixture()
        let token = issuer.session(for: user)
        let first = try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        let second = try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        #expect(!first.isAdmin && !second.isAdmin)
        let groups = DuckDBGroupRepository(store: store)
        let admin = try #require(try await groups.find(name: "Admin"))
        try await groups.addMember(userID: user.id, groupID: admin.id, source: .admin, addedBy: nil)
        #expect(try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil).isAdmin)
        try await DuckDBUserRepository(store: store).setActive(id: user.id, isActive: false, by: "admin")
        await #expect(throws: AuthError.deactivated) {
            try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        }
    }

    @Test func patUsageIsWrittenOncePerMinuteFromTheSameAddress() async throws {
        let (store, authenticator, issuer, user) = try await fixture()
        let (token, row) = try await issuer.personalAccessToken(for: user, name: "cli", lifetime: nil, scope: "general")
        let tokens = DuckDBAccessTokenRepository(store: store)
        _ = try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: "10.0.0.1")
        let first = try #require(try await tokens.find(id: row.id)?.lastUsedAt)
        clock.advance(30)
        _ = try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: "10.0.0.1")
        #expect(try await tokens.find(id: row.id)?.lastUsedAt == first)
        clock.advance(31)
        _ = try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: "10.0.0.1")
        #expect(try await tokens.find(id: row.id)?.lastUsedAt == first.addingTimeInterval(61))
        // Another address is recorded (and audited) at once.
        clock.advance(1)
        _ = try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: "10.0.0.9")
        #expect(try await tokens.find(id: row.id)?.lastUsedIP == "10.0.0.9")
        #expect(audit.actions == ["token.first_use_new_ip"])
    }

    @Test func patRowProblemsAreReported() async throws {
        let (store, authenticator, issuer, user) = try await fixture()
        let (token, row) = try await issuer.personalAccessToken(for: user, name: "cli", lifetime: nil, scope: "general")
        // The stored hash no longer matches (e.g. the row was re-keyed).
        try await store.write {
            try $0.run("UPDATE personal_access_tokens SET token_hash = 'x' WHERE id = ?", [.varchar(row.id)])
        }
        await #expect(throws: AuthError.tokenMismatch) {
            try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        }
        try await store.write {
            try $0.run(
                "UPDATE personal_access_tokens SET expires_at = TIMESTAMP '2020-01-01' WHERE id = ?", [.varchar(row.id)]
            )
        }
        await #expect(throws: AuthError.tokenExpired) {
            try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        }
        try await store.write { try $0.run("DELETE FROM personal_access_tokens WHERE id = ?", [.varchar(row.id)]) }
        await #expect(throws: AuthError.tokenUnknown) {
            try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        }
    }

    @Test func bootstrapAnalystScopeIsClampedToOneHour() async throws {
        let (_, authenticator, issuer, user) = try await fixture()
        let (token, row) = try await issuer.personalAccessToken(
            for: user, name: "boot", lifetime: nil, scope: "bootstrap-analyst")
        #expect(row.expiresAt == clock.now.addingTimeInterval(3600))
        clock.advance(3601)
        await #expect(throws: AuthError.invalidToken) {
            try await authenticator.authenticate(bearer: token, cookie: nil, clientIP: nil)
        }
    }

    @Test func schedulerSecretNeedsThirtyTwoCharactersAndBecomesAnAdmin() async throws {
        let secret = String(repeating: "z", count: 40)
        let (store, authenticator, _, _) = try await fixture(scheduler: secret)
        let caller = try await authenticator.authenticate(bearer: secret, cookie: nil, clientIP: nil)
        #expect(caller.isAdmin && caller.credential == .scheduler && caller.user.email == Authenticator.schedulerEmail)
        #expect(try await DuckDBGroupRepository(store: store).isAdmin(userID: caller.user.id))
        await #expect(throws: AuthError.invalidToken) {
            try await authenticator.authenticate(bearer: secret + "x", cookie: nil, clientIP: nil)
        }
        let (_, weak, _, _) = try await fixture(scheduler: "too-short-secret")
        await #expect(throws: AuthError.invalidToken) {
            try await weak.authenticate(bearer: "too-short-secret", cookie: nil, clientIP: nil)
        }
    }

    @Test func localDevModeNeedsNoTokenOnlyForASeededUser() async throws {
        let (_, authenticator, _, _) = try await fixture(localDev: "ana@example.com")
        #expect(
            try await authenticator.authenticate(bearer: nil, cookie: nil, clientIP: nil).credential
                == .localDevelopment)
        let (_, unseeded, _, _) = try await fixture(localDev: "nobody@example.com")
        await #expect(throws: AuthError.missingCredentials) {
            try await unseeded.authenticate(bearer: nil, cookie: nil, clientIP: nil)
        }
    }
}

@Suite struct PasswordHasherTests {
    @Test func hashesVerifyAndUnknownUsersNeverMatch() async throws {
        let hasher = PasswordHasher(cost: 4)
        let hash = try await hasher.hash("correct horse")
        #expect(hash.hasPrefix("$2"))
        #expect(try await hasher.verify("correct horse", hash: hash))
        #expect(try await hasher.verify("wrong horse", hash: hash) == false)
        #expect(try await hasher.verify("correct horse", hash: nil) == false)
    }
}
