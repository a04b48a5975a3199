import AgnesAuth
import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct TokenRoutesTests {
    /// POSTs `/auth/tokens` for a token named "laptop" with `session`; the 201 body.
    static func createToken(_ client: some TestClientProtocol, session: String) async throws -> [String: Any] {
        try await client.execute(
            uri: "/auth/tokens", method: .post, headers: JSONRequest.bearer(session),
            body: JSONRequest.body(["name": "laptop"])
        ) { response in
            #expect(response.status == .created)
            return try ServerFixture.json(response.body)
        }
    }

    @Test func createListShowRevokeAndTheRevokedTokenStopsWorking() async throws {
        let fixture = try await ServerFixture.fast()
        let id = try await fixture.user("ana@example.com")
        let session = try await fixture.session(id)
        try await fixture.application.test(.router) { client in
            let created = try await Self.createToken(client, session: session)
            let token = try #require(created["token"] as? String)
            let tokenID = try #require(created["id"] as? String)
            #expect((created["prefix"] as? String)?.count == 8)
            #expect(created["expires_at"] as? String != nil)
            // The PAT authenticates, but cannot mint another PAT.
            try await client.execute(uri: "/auth/tokens", method: .get, headers: JSONRequest.bearer(token)) {
                response in
                #expect(response.status == .ok)
                let list =
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]]
                #expect(list?.count == 1)
                #expect(list?.first?["token"] == nil)
                #expect(list?.first?.keys.contains("revoked_at") == true)
            }
            try await client.execute(
                uri: "/auth/tokens", method: .post, headers: JSONRequest.bearer(token),
                body: JSONRequest.body(["name": "again"])
            ) { response in
                #expect(response.status == .forbidden)
                #expect(
                    ServerFixture.detail(response.body) == "This endpoint requires an interactive session, not a PAT")
            }
            try await client.execute(uri: "/auth/tokens/\(tokenID)", method: .get, headers: JSONRequest.bearer(session))
            { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/auth/tokens/\(tokenID)", method: .delete, headers: JSONRequest.bearer(session)
            ) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/auth/tokens", method: .get, headers: JSONRequest.bearer(token)) {
                response in
                #expect(response.status == .unauthorized)
                #expect(ServerFixture.detail(response.body) == "Token revoked")
            }
        }
        let actions = try await DuckDBAuditLogRepository(store: fixture.services.store).entries(
            matching: AuditLogFilter()
        ).map(\.action)
        #expect(Set(actions) == ["token.create", "token.revoke"])
    }

    @Test func aCookieSessionPostNeedsASameSiteOrigin() async throws {
        let fixture = try await ServerFixture.fast()
        let session = try await fixture.session(try await fixture.user("ana@example.com"))
        let cookie = HTTPFields([
            HTTPField(name: .cookie, value: "access_token=\(session)"),
            HTTPField(name: .contentType, value: "application/json"),
        ])
        try await fixture.application.test(.router) { client in
            var crossSite = cookie
            crossSite[.origin] = "https://evil.example.net"
            try await client.execute(
                uri: "/auth/tokens", method: .post, headers: crossSite, body: JSONRequest.body(["name": "x"])
            ) { response in
                #expect(response.status == .forbidden)
                #expect(ServerFixture.detail(response.body) == "Cross-site request blocked")
            }
            var sameSite = cookie
            sameSite[.origin] = "http://localhost"  // the router test client's authority
            try await client.execute(
                uri: "/auth/tokens", method: .post, headers: sameSite, body: JSONRequest.body(["name": "x"])
            ) { #expect($0.status == .created) }
        }
        let tokens = try await DuckDBAccessTokenRepository(store: fixture.services.store).listAll()
        #expect(tokens.count == 1)
    }

    @Test(arguments: [
        (#"{"name": "  "}"#, "Token name is required"),
        (#"{"name": "x", "expires_in_days": 0}"#, "expires_in_days must be between 1 and 3650"),
        (#"{"name": "x", "expires_in_days": 3651}"#, "expires_in_days must be between 1 and 3650"),
        (#"{"name": "x", "ttl_seconds": -5}"#, "ttl_seconds must be between 1 and 315360000"),
    ])
    func invalidCreateRequestsAre400(body: String, detail: String) async throws {
        let fixture = try await ServerFixture.fast()
        let session = try await fixture.session(try await fixture.user("ana@example.com"))
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/auth/tokens", method: .post, headers: JSONRequest.bearer(session), body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(ServerFixture.detail(response.body) == detail)
            }
        }
    }

    @Test func nullExpiryMeansNeverAndTtlWins() async throws {
        let fixture = try await ServerFixture.fast()
        let session = try await fixture.session(try await fixture.user("ana@example.com"))
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/auth/tokens", method: .post, headers: JSONRequest.bearer(session),
                body: JSONRequest.body(["name": "forever", "expires_in_days": nil])
            ) { response in
                #expect(response.status == .created)
                let body = try ServerFixture.json(response.body)
                #expect(body["expires_at"] is NSNull)
            }
            // Between 60 s after the request was sent and 60 s after its answer (whole seconds on the wire).
            let sent = Date().addingTimeInterval(-1)
            try await client.execute(
                uri: "/auth/tokens", method: .post, headers: JSONRequest.bearer(session),
                body: JSONRequest.body(["name": "short", "expires_in_days": 30, "ttl_seconds": 60])
            ) { response in
                let answered = Date().addingTimeInterval(1)
                let expires = try #require(try ServerFixture.json(response.body)["expires_at"] as? String)
                let date = try #require(ISO8601DateFormatter().date(from: expires))
                #expect(date >= sent.addingTimeInterval(60) && date <= answered.addingTimeInterval(60), "\(date)")
            }
        }
    }

    @Test func othersTokensAreNotFoundAndAdminsSeeAll() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.user("ana@example.com")
        let bo = try await fixture.user("bo@example.com")
        let root = try await fixture.user("root@example.com", admin: true)
        let anaSession = try await fixture.session(ana)
        try await fixture.application.test(.router) { client in
            let tokenID = try await client.execute(
                uri: "/auth/tokens", method: .post, headers: JSONRequest.bearer(anaSession),
                body: JSONRequest.body(["name": "a"])
            ) { try ServerFixture.json($0.body)["id"] as? String ?? "" }
            let boSession = try await fixture.session(bo)
            for method in [HTTPRequest.Method.get, .delete] {
                try await client.execute(
                    uri: "/auth/tokens/\(tokenID)", method: method, headers: JSONRequest.bearer(boSession)
                ) { response in
                    #expect(response.status == .notFound)
                    #expect(ServerFixture.detail(response.body) == "Token not found")
                }
            }
            try await client.execute(uri: "/auth/admin/tokens", method: .get, headers: JSONRequest.bearer(boSession)) {
                response in
                #expect(response.status == .forbidden)
                #expect(ServerFixture.detail(response.body) == "Admin access required")
            }
            let rootSession = try await fixture.session(root)
            try await client.execute(uri: "/auth/admin/tokens", method: .get, headers: JSONRequest.bearer(rootSession))
            { response in
                let list =
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]]
                #expect(list?.first?["user_email"] as? String == "ana@example.com")
            }
            try await client.execute(
                uri: "/auth/admin/tokens/\(tokenID)", method: .delete, headers: JSONRequest.bearer(rootSession)
            ) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(
                uri: "/auth/admin/tokens/nope", method: .delete, headers: JSONRequest.bearer(rootSession)
            ) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func missingOrForgedCredentialsAre401() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/auth/tokens", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(ServerFixture.detail(response.body) == "Missing or invalid Authorization header")
            }
            try await client.execute(
                uri: "/auth/tokens", method: .get, headers: JSONRequest.bearer("eyJhbGciOiJub25lIn0.e30.")
            ) { response in
                #expect(response.status == .unauthorized)
                #expect(ServerFixture.detail(response.body) == "Invalid or expired token")
            }
        }
    }

    /// Over a real socket, a PAT's use is recorded with the address it came from (worked out only for
    /// PATs, never for sessions).
    @Test func aPATsUseIsRecordedWithTheCallersAddress() async throws {
        let fixture = try await ServerFixture.fast()
        let id = try await fixture.user("ana@example.com")
        let session = try await fixture.session(id)
        try await fixture.application.test(.live) { client in
            let created = try await Self.createToken(client, session: session)
            let token = try #require(created["token"] as? String)
            let tokenID = try #require(created["id"] as? String)
            try await client.execute(uri: "/auth/tokens", method: .get, headers: JSONRequest.bearer(token)) {
                response in
                #expect(response.status == .ok)
            }
            let row = try await DuckDBAccessTokenRepository(store: fixture.services.store).find(id: tokenID)
            #expect(row?.lastUsedIP == "127.0.0.1")
            #expect(row?.lastUsedAt != nil)
        }
    }
}

extension TokenRoutesTests {
    @Test func theSchedulerTokenCannotMintAPersonalToken() async throws {
        let secret = "scheduler-secret-" + String(repeating: "s", count: 32)
        let fixture = try await ServerFixture(
            settings: { AgnesSettings(dataDir: $0, schedulerAPIToken: secret) }, hasher: PasswordHasher(cost: 4))
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/auth/tokens", method: .post, headers: JSONRequest.bearer(secret),
                body: JSONRequest.body(["name": "minted"])
            ) { response in
                #expect(response.status == .forbidden)
                #expect(
                    ServerFixture.detail(response.body)
                        == "This endpoint requires an interactive session, not a service token")
            }
        }
        #expect(try await DuckDBAccessTokenRepository(store: fixture.services.store).listAll().isEmpty)
    }
}
