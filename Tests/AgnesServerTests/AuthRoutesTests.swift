import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import AgnesAuth

/// Helpers for JSON requests in router tests.
enum JSONRequest {
    static func body(_ object: [String: Any?]) -> ByteBuffer {
        let cleaned = object.mapValues { $0 ?? NSNull() }
        return ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: cleaned))
    }

    static func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }
    static let json: HTTPFields = [.contentType: "application/json"]
}

extension ServerFixture {
    /// A fixture whose password hashing is cheap (bcrypt cost 4).
    static func fast() async throws -> ServerFixture {
        try await ServerFixture(hasher: PasswordHasher(cost: 4))
    }

    /// Creates a user with a password (and optionally in Admin); returns its id.
    func user(_ email: String, password: String? = "password123", admin: Bool = false, active: Bool = true) async throws
        -> String
    {
        let users = DuckDBUserRepository(store: services.store)
        let hash = try await password.asyncMap { try await services.auth.hasher.hash($0) }
        let user = try await users.create(
            User(id: UUID().uuidString.lowercased(), email: email, passwordHash: hash, isActive: active))
        if admin, let group = try await DuckDBGroupRepository(store: services.store).find(name: "Admin") {
            try await DuckDBGroupRepository(store: services.store).addMember(
                userID: user.id, groupID: group.id, source: .admin, addedBy: nil)
        }
        return user.id
    }

    func session(_ userID: String) async throws -> String {
        let user = try #require(try await DuckDBUserRepository(store: services.store).find(id: userID))
        return services.auth.issuer.session(for: user)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

@Suite struct AuthRoutesTests {
    @Test func meNamesTheCallerAndTheCredential() async throws {
        let fixture = try await ServerFixture.fast()
        let session = try await fixture.session(try await fixture.user("ana@example.com", admin: true))
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/auth/me", method: .get, headers: JSONRequest.bearer(session)) { response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response.body)
                #expect(body["email"] as? String == "ana@example.com")
                #expect(body["is_admin"] as? Bool == true)
                #expect(body["credential"] as? String == "session")
            }
            try await client.execute(uri: "/auth/me", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(ServerFixture.detail(response.body) == "Missing or invalid Authorization header")
            }
        }
    }

    /// Counted, not timed: an unknown email runs one bcrypt verification of the same cost (against a
    /// stand-in hash) as a wrong password does, and both get the same answer.
    @Test func anUnknownEmailCostsTheSameBcryptWorkAsAWrongPassword() async throws {
        let verifications = Mutex<[Bool]>([])
        let hasher = PasswordHasher(cost: 5) { withDummy in verifications.withLock { $0.append(withDummy) } }
        let fixture = try await ServerFixture(hasher: hasher)
        _ = try await fixture.user("ana@example.com")
        #expect(PasswordHasher.dummyHash(cost: 5).hasPrefix("$2b$05$"))
        // Made once: a stand-in made anew per request would cost a bcrypt hash on top of the check.
        #expect(PasswordHasher.dummyHash(cost: 5) == PasswordHasher.dummyHash(cost: 5))
        try await fixture.application.test(.router) { client in
            for email in ["nobody@example.com", "ana@example.com", "gone@example.com"] {
                try await client.execute(
                    uri: "/auth/token", method: .post, headers: JSONRequest.json,
                    body: JSONRequest.body(["email": email, "password": "wrong-password"])
                ) { response in
                    #expect(response.status == .unauthorized)
                    #expect(ServerFixture.detail(response.body) == "Invalid email or password")
                }
            }
        }
        // nobody: the stand-in; ana: her hash; gone (no such user either): the stand-in.
        #expect(verifications.withLock { $0 } == [true, false, true])
    }

    @Test func tokenSignInReturnsASessionForTheRightPassword() async throws {
        let fixture = try await ServerFixture.fast()
        let id = try await fixture.user("ana@example.com", admin: true)
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/auth/token", method: .post, headers: JSONRequest.json,
                body: JSONRequest.body(["email": "ana@example.com", "password": "password123"])
            ) { response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response.body)
                #expect(body["token_type"] as? String == "bearer")
                #expect(body["user_id"] as? String == id)
                #expect(body["role"] as? String == "admin")
                let token = try #require(body["access_token"] as? String)
                let caller = try await fixture.services.auth.authenticator.authenticate(
                    bearer: token, cookie: nil, clientIP: nil)
                #expect(caller.user.id == id)
            }
        }
        let audit = try await DuckDBAuditLogRepository(store: fixture.services.store).entries(
            matching: AuditLogFilter())
        #expect(audit.map(\.action) == ["token_created"])
    }

    @Test(arguments: [
        ("ana@example.com", "wrong-password", 401, "Invalid email or password"),
        ("nobody@example.com", "password123", 401, "Invalid email or password"),
        ("sso@example.com", "password123", 401, "Invalid email or password"),
        ("ana@example.com", "", 401, "Password required"),
        ("off@example.com", "password123", 401, "Account deactivated"),
    ])
    func tokenSignInErrors(email: String, password: String, status: Int, detail: String) async throws {
        let fixture = try await ServerFixture.fast()
        _ = try await fixture.user("ana@example.com")
        _ = try await fixture.user("sso@example.com", password: nil)
        _ = try await fixture.user("off@example.com", active: false)
        try await fixture.application.test(.router) { client in
            for path in ["/auth/token", "/auth/password/login"] {
                try await client.execute(
                    uri: path, method: .post, headers: JSONRequest.json,
                    body: JSONRequest.body(["email": email, "password": password])
                ) { response in
                    #expect(response.status.code == status)
                    #expect(ServerFixture.detail(response.body) == detail)
                }
            }
        }
    }

    @Test func malformedBodiesAre422WithADetail() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/auth/token", method: .post, headers: JSONRequest.json, body: ByteBuffer(string: "{not json")
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(ServerFixture.detail(response.body) == "the body is not valid JSON")
            }
            try await client.execute(
                uri: "/auth/token", method: .post, headers: JSONRequest.json, body: JSONRequest.body(["password": "x"])
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(ServerFixture.detail(response.body) == "field required: email")
            }
        }
    }

    @Test func bootstrapCreatesTheFirstAdminOnlyOnce() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/auth/bootstrap", method: .post, headers: JSONRequest.json,
                body: JSONRequest.body(["email": "root@example.com", "password": "password123"])
            ) { response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response.body)
                #expect(body["role"] as? String == "admin")
            }
            try await client.execute(
                uri: "/auth/bootstrap", method: .post, headers: JSONRequest.json,
                body: JSONRequest.body(["email": "second@example.com", "password": "password123"])
            ) { response in
                #expect(response.status == .forbidden)
                #expect(
                    ServerFixture.detail(response.body)
                        == "Bootstrap disabled — a user with a password already exists. Use /auth/password/login.")
            }
        }
        let users = DuckDBUserRepository(store: fixture.services.store)
        let root = try #require(try await users.find(email: "root@example.com"))
        #expect(root.name == "root")
        #expect(try await DuckDBGroupRepository(store: fixture.services.store).isAdmin(userID: root.id))
        #expect(try await users.find(email: "second@example.com") == nil)
    }

    @Test func concurrentBootstrapsCreateExactlyOneAdmin() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                // Three racers: the route allows three bootstrap calls a minute per client.
                for index in 0..<3 {
                    group.addTask {
                        try await client.execute(
                            uri: "/auth/bootstrap", method: .post, headers: JSONRequest.json,
                            body: JSONRequest.body(["email": "u\(index)@example.com", "password": "password123"])
                        ) { $0.status.code }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1)
            #expect(statuses.filter { $0 == 403 }.count == 2)
        }
    }

    @Test func theFourthBootstrapInAMinuteIsRateLimited() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(
                    uri: "/auth/bootstrap", method: .post, headers: JSONRequest.json,
                    body: JSONRequest.body(["email": "x@example.com", "password": "short"])
                ) { #expect($0.status == .badRequest) }
            }
            try await client.execute(
                uri: "/auth/bootstrap", method: .post, headers: JSONRequest.json,
                body: JSONRequest.body(["email": "x@example.com", "password": "password123"])
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
            }
        }
        #expect(try await DuckDBUserRepository(store: fixture.services.store).find(email: "x@example.com") == nil)
    }

    @Test func bootstrapActivatesASeededUserAndValidatesInput() async throws {
        let fixture = try await ServerFixture.fast()
        let seeded = try await fixture.user("seed@example.com", password: nil)
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/auth/bootstrap", method: .post, headers: JSONRequest.json,
                body: JSONRequest.body(["email": "seed@example.com", "password": "short"])
            ) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(
                uri: "/auth/bootstrap", method: .post, headers: JSONRequest.json,
                body: JSONRequest.body(["email": "seed@example.com", "password": "password123"])
            ) { response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response.body)
                #expect(body["user_id"] as? String == seeded)
            }
        }
        let actions = try await DuckDBAuditLogRepository(store: fixture.services.store).entries(
            matching: AuditLogFilter()
        ).map(\.action)
        #expect(actions == ["bootstrap_activated_seed"])
    }
}
