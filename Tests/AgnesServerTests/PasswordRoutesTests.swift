import AgnesAuth
import AgnesCore
import AgnesMail
import AgnesServer
import AgnesStore
import DuckDB
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct PasswordRoutesTests {
    static func fixture(_ mail: RecordingMailSender = RecordingMailSender()) async throws -> ServerFixture {
        try await ServerFixture(
            settings: { AgnesSettings(dataDir: $0, serverURL: URL(string: "https://agnes.example.com")) },
            hasher: PasswordHasher(cost: 4), mailer: mail.mailer)
    }

    @Test func theWebFormSignsInAndRedirectsOnlyToLocalPaths() async throws {
        let fixture = try await Self.fixture()
        _ = try await fixture.user("ana@example.com")
        try await fixture.application.test(.router) { client in
            for (next, landing) in [
                ("/catalog?x=1", "/catalog?x=1"), ("//evil.example.net/", "/dashboard"),
                ("https://evil.example.net", "/dashboard"), ("/\\evil", "/dashboard"), ("", "/dashboard"),
            ] {
                let cookie = try await client.execute(
                    uri: "/auth/password/login/web", method: .post, headers: FormRequest.headers,
                    body: FormRequest.body([("email", "Ana@Example.com"), ("password", "password123"), ("next", next)])
                ) { response in
                    #expect(response.status == .found)
                    #expect(response.headers[.location] == landing)
                    let setCookie = response.headers[.setCookie] ?? ""
                    #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
                    #expect(setCookie.contains("Max-Age=86400") && !setCookie.contains("Secure"))
                    return FormRequest.sessionCookie(response.headers)
                }
                let token = try #require(cookie)
                try await client.execute(uri: "/auth/tokens", method: .get, headers: [.cookie: "access_token=\(token)"])
                {
                    #expect($0.status == .ok)
                }
            }
        }
    }

    @Test func theWebFormRedirectsFailuresWithoutACookie() async throws {
        let fixture = try await Self.fixture()
        _ = try await fixture.user("ana@example.com")
        _ = try await fixture.user("gone@example.com", active: false)
        try await fixture.application.test(.router) { client in
            for (fields, location) in [
                ([("email", "ana@example.com"), ("password", "wrong-password")], "/login/password?error=invalid"),
                ([("email", "nobody@example.com"), ("password", "password123")], "/login/password?error=invalid"),
                ([("email", "ana@example.com")], "/login/password?error=invalid"),
                ([("email", "gone@example.com"), ("password", "password123")], "/login/password?error=deactivated"),
            ] {
                try await client.execute(
                    uri: "/auth/password/login/web", method: .post, headers: FormRequest.headers,
                    body: FormRequest.body(fields)
                ) { response in
                    #expect(response.status == .found)
                    #expect(response.headers[.location] == location)
                    #expect(FormRequest.sessionCookie(response.headers) == nil)
                }
            }
        }
        let failures = try await DuckDBAuditLogRepository(store: fixture.services.store)
            .entries(matching: AuditLogFilter(actionPrefixes: ["login_failed"]))
        #expect(failures.count == 3)
    }

    @Test func aResetLinkChangesThePasswordOnceAndMismatchesDoNotBurnIt() async throws {
        let mail = RecordingMailSender()
        let fixture = try await Self.fixture(mail)
        let id = try await fixture.user("ana@example.com")
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/auth/password/reset", method: .post, headers: FormRequest.headers,
                body: FormRequest.body([("email", "ana@example.com")])
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Check your email"))
            }
            let message = try #require(await fixture.mailed(mail).first)
            #expect(message.to.map(\.email) == ["ana@example.com"])
            let link = try #require(FormRequest.link(in: message.text))
            #expect(link.path == "/auth/password/reset")
            #expect(link.query("email") == "ana@example.com")
            let token = try #require(link.query("token"))
            #expect(token.count == 43)

            try await client.execute(uri: "/auth/password/reset?email=ana%40example.com&token=\(token)", method: .get) {
                response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("name=\"token\" value=\"\(token)\""))
            }
            for (password, confirmation, error) in [
                ("new-password-1", "other-password", "The passwords do not match"),
                ("short", "short", "Password must be at least 8 characters"),
            ] {
                try await client.execute(
                    uri: "/auth/password/reset/confirm", method: .post, headers: FormRequest.headers,
                    body: FormRequest.body([
                        ("email", "ana@example.com"), ("token", token), ("password", password),
                        ("confirm_password", confirmation),
                    ])
                ) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains(error))
                }
            }
            let confirm = FormRequest.body([
                ("email", "ana@example.com"), ("token", token), ("password", "new-password-1"),
                ("confirm_password", "new-password-1"),
            ])
            try await client.execute(
                uri: "/auth/password/reset/confirm", method: .post, headers: FormRequest.headers, body: confirm
            ) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/login/password?msg=password_reset")
                #expect(FormRequest.sessionCookie(response.headers) != nil)
            }
            try await client.execute(
                uri: "/auth/password/reset/confirm", method: .post, headers: FormRequest.headers, body: confirm
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("invalid or has expired"))
            }
            try await client.execute(
                uri: "/auth/token", method: .post, headers: JSONRequest.json,
                body: JSONRequest.body(["email": "ana@example.com", "password": "new-password-1"])
            ) { #expect($0.status == .ok) }
        }
        let actions = try await DuckDBAuditLogRepository(store: fixture.services.store)
            .entries(matching: AuditLogFilter(userID: id)).map(\.action)
        #expect(actions.contains("user.password_reset_requested") && actions.contains("user.password_reset"))
    }

    @Test func resetRequestsForUnknownOrDeactivatedAccountsLookTheSameAndSendNothing() async throws {
        let mail = RecordingMailSender()
        let fixture = try await Self.fixture(mail)
        _ = try await fixture.user("gone@example.com", active: false)
        try await fixture.application.test(.router) { client in
            var bodies: [String] = []
            for email in ["nobody@example.com", "gone@example.com"] {
                try await client.execute(
                    uri: "/auth/password/reset", method: .post, headers: FormRequest.headers,
                    body: FormRequest.body([("email", email)])
                ) { response in
                    #expect(response.status == .ok)
                    bodies.append(String(buffer: response.body))
                }
            }
            #expect(bodies[0] == bodies[1])
        }
        #expect(await fixture.mailed(mail).isEmpty)
    }

    @Test func resetPagesNeedBothParametersAndEscapeThem() async throws {
        let fixture = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            for uri in ["/auth/password/reset", "/auth/password/reset?email=a%40b.c", "/auth/password/setup?token=x"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .found)
                    #expect(response.headers[.location] == "/login/password")
                }
            }
            try await client.execute(
                uri: "/auth/password/setup?email=%3Cscript%3Ealert(1)%3C%2Fscript%3E&token=%22%3E%3Cb%3E", method: .get
            ) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(!html.contains("<script>alert") && !html.contains("\"><b>"))
                #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            }
        }
    }

    @Test func theSetupAPIValidatesBeforeConsumingAndWorksOnce() async throws {
        let fixture = try await Self.fixture()
        let id = try await fixture.user("new@example.com", password: nil)
        let users = DuckDBUserRepository(store: fixture.services.store)
        let token = OneTimeToken()
        try await users.setSetupToken(id: id, tokenHash: token.hash, at: Date())
        try await fixture.application.test(.router) { client in
            for (email, tokenValue, password, status, detail) in [
                (
                    "new@example.com", token.value, "short", HTTPResponse.Status.badRequest,
                    "Password must be at least 8 characters"
                ),
                ("new@example.com", "wrong", "password123", .badRequest, "Invalid setup token"),
                ("nobody@example.com", token.value, "password123", .badRequest, "Invalid setup token"),
            ] {
                try await client.execute(
                    uri: "/auth/password/setup", method: .post, headers: JSONRequest.json,
                    body: JSONRequest.body(["email": email, "token": tokenValue, "password": password])
                ) { response in
                    #expect(response.status == status)
                    #expect(ServerFixture.detail(response.body) == detail)
                }
            }
            let body = JSONRequest.body(["email": "NEW@example.com", "token": token.value, "password": "password123"])
            try await client.execute(uri: "/auth/password/setup", method: .post, headers: JSONRequest.json, body: body)
            {
                response in
                #expect(response.status == .ok)
                let json = try ServerFixture.json(response.body)
                #expect(json["message"] as? String == "Password set successfully")
                #expect(json["token_type"] as? String == "bearer")
                #expect((json["access_token"] as? String)?.isEmpty == false)
            }
            try await client.execute(uri: "/auth/password/setup", method: .post, headers: JSONRequest.json, body: body)
            {
                response in
                #expect(response.status == .badRequest)
                #expect(ServerFixture.detail(response.body) == "Invalid setup token")
            }
        }
        let user = try #require(try await users.find(id: id))
        #expect(user.passwordHash != nil && user.setupToken == nil)
    }

    @Test func anExpiredSetupTokenSaysSoAndADeactivatedAccountIsRefused() async throws {
        let fixture = try await Self.fixture()
        let users = DuckDBUserRepository(store: fixture.services.store)
        let late = try await fixture.user("late@example.com", password: nil)
        let gone = try await fixture.user("gone@example.com", password: nil, active: false)
        let lateToken = OneTimeToken()
        let goneToken = OneTimeToken()
        try await users.setSetupToken(
            id: late, tokenHash: lateToken.hash, at: Date().addingTimeInterval(-8 * 24 * 3600))
        try await users.setSetupToken(id: gone, tokenHash: goneToken.hash, at: Date())
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/auth/password/setup", method: .post, headers: JSONRequest.json,
                body: JSONRequest.body([
                    "email": "late@example.com", "token": lateToken.value, "password": "password123",
                ])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(ServerFixture.detail(response.body) == "Setup token has expired")
            }
            try await client.execute(
                uri: "/auth/password/setup", method: .post, headers: JSONRequest.json,
                body: JSONRequest.body([
                    "email": "gone@example.com", "token": goneToken.value, "password": "password123",
                ])
            ) { response in
                #expect(response.status == .forbidden)
                #expect(ServerFixture.detail(response.body) == "Account deactivated")
            }
        }
        #expect(try await users.find(id: gone)?.passwordHash == nil)
    }

    @Test func aSetupRequestMailsOnlyAccountsWithoutAPasswordAndTheFormSetsNameAndPassword() async throws {
        let mail = RecordingMailSender()
        let fixture = try await Self.fixture(mail)
        let id = try await fixture.user("invited@example.com", password: nil)
        _ = try await fixture.user("has@example.com")
        try await fixture.application.test(.router) { client in
            for email in ["has@example.com", "invited@example.com"] {
                try await client.execute(
                    uri: "/auth/password/setup/request", method: .post, headers: FormRequest.headers,
                    body: FormRequest.body([("email", email)])
                ) { #expect($0.status == .ok) }
            }
            let messages = await fixture.mailed(mail)
            #expect(messages.count == 1)
            #expect(messages[0].to.map(\.email) == ["invited@example.com"])
            let link = try #require(FormRequest.link(in: messages[0].text))
            #expect(link.path == "/auth/password/setup")
            let token = try #require(link.query("token"))
            try await client.execute(
                uri: "/auth/password/setup/confirm", method: .post, headers: FormRequest.headers,
                body: FormRequest.body([
                    ("email", "invited@example.com"), ("token", token), ("password", "password123"),
                    ("confirm_password", "password123"), ("name", "Ivy Invited"),
                ])
            ) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/dashboard")
                #expect(FormRequest.sessionCookie(response.headers) != nil)
            }
        }
        let user = try #require(try await DuckDBUserRepository(store: fixture.services.store).find(id: id))
        #expect(user.name == "Ivy Invited" && user.passwordHash != nil)
    }

    @Test func theResetRouteIsRateLimitedAtFivePerMinute() async throws {
        let fixture = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            for _ in 0..<5 {
                try await client.execute(
                    uri: "/auth/password/reset", method: .post, headers: FormRequest.headers,
                    body: FormRequest.body([("email", "x@example.com")])
                ) { #expect($0.status == .ok) }
            }
            try await client.execute(
                uri: "/auth/password/reset", method: .post, headers: FormRequest.headers,
                body: FormRequest.body([("email", "x@example.com")])
            ) { #expect($0.status == .tooManyRequests) }
        }
    }
}
