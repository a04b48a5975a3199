import AgnesAuth
import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Google sign-in end to end: Agnes's routes (router tests) against ``FakeGoogle`` on a real socket.
@Suite(.timeLimit(.minutes(2))) struct GoogleAuthRoutesTests {
    /// Where a sign-in ended.
    struct Outcome {
        let status: HTTPResponse.Status
        let location: String?
        let cookies: [String]

        /// The login cookie's token, if one was set.
        var sessionToken: String? {
            cookies.first { $0.hasPrefix("access_token=") }.map { String($0.dropFirst(13).prefix { $0 != ";" }) }
        }

        /// True when the state cookie is removed.
        var clearsStateCookie: Bool {
            cookies.contains { $0.hasPrefix("agnes_oauth_state=;") && $0.contains("Max-Age=0") }
        }
    }

    static func fixture(
        _ google: FakeGoogle, environment: [String: String] = [:], allowedDomain: String? = nil,
        serverURL: String? = nil
    ) async throws -> ServerFixture {
        try await ServerFixture(settings: { dataDir in
            var settings = AgnesSettings(dataDir: dataDir, environment: google.environment.merging(environment) { $1 })
            if let allowedDomain { settings.instance = ["auth": ["allowed_domain": .string(allowedDomain)]] }
            settings.serverURL = serverURL.flatMap(URL.init(string:))
            return settings
        })
    }

    /// Starts a login and returns the provider URL and the state cookie's value.
    static func startLogin(_ client: some TestClientProtocol, next: String? = "/catalog") async throws -> (
        url: String, cookie: String
    ) {
        let uri =
            "/auth/google/login"
            + (next.map { "?next=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" } ?? "")
        return try await client.execute(uri: uri, method: .get) { response in
            #expect(response.status == .found)
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("agnes_oauth_state=") })
            let value = String(cookie.dropFirst("agnes_oauth_state=".count).prefix { $0 != ";" })
            return (try #require(response.headers[.location]), value)
        }
    }

    static func callback(_ client: some TestClientProtocol, code: String, state: String, cookie: String?) async throws
        -> Outcome
    {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = "agnes_oauth_state=\(cookie)" }
        return try await client.execute(
            uri: "/auth/google/callback?code=\(code)&state=\(state)", method: .get, headers: headers
        ) { response in
            Outcome(
                status: response.status, location: response.headers[.location],
                cookies: response.headers[values: .setCookie])
        }
    }

    /// The whole browser round trip for `identity`.
    static func signIn(
        _ client: some TestClientProtocol, _ google: FakeGoogle, as identity: FakeGoogle.Identity,
        next: String? = "/catalog"
    ) async throws -> Outcome {
        let (url, cookie) = try await startLogin(client, next: next)
        let (code, state) = try google.consent(to: url, as: identity)
        return try await callback(client, code: code, state: state, cookie: cookie)
    }

    /// `"<action> <result>"` of every audit row, sorted (rows written in the same instant have no order).
    static func auditResults(_ fixture: ServerFixture) async throws -> [String] {
        try await DuckDBAuditLogRepository(store: fixture.services.store).entries(matching: AuditLogFilter()).map {
            "\($0.action) \($0.params?["result"] ?? "")"
        }.sorted()
    }

    @Test func loginRedirectsToTheProviderWithPKCEAndStashesTheAttempt() async throws {
        try await FakeGoogle().run { google in
            let fixture = try await Self.fixture(google, serverURL: "https://agnes.example.com/")
            try await fixture.application.test(.router) { client in
                try await client.execute(uri: "/auth/google/login?next=/catalog", method: .get) { response in
                    #expect(response.status == .found)
                    let location = try #require(response.headers[.location])
                    #expect(location.hasPrefix(google.baseURL + "/o/oauth2/v2/auth?"))
                    let items = URLComponents(string: location)?.queryItems ?? []
                    let query = Dictionary(uniqueKeysWithValues: items.map { ($0.name, $0.value ?? "") })
                    #expect(
                        Set(query.keys) == [
                            "response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
                            "code_challenge_method",
                        ])
                    #expect(query["response_type"] == "code")
                    #expect(query["client_id"] == FakeGoogle.clientID)
                    #expect(query["redirect_uri"] == "https://agnes.example.com/auth/google/callback")
                    #expect(query["scope"] == "openid email profile")
                    #expect(query["code_challenge_method"] == "S256")
                    #expect(query["code_challenge"]?.count == 43)
                    #expect(query["state"] != query["nonce"])
                    let cookie = try #require(
                        response.headers[values: .setCookie].first { $0.hasPrefix("agnes_oauth_state=") })
                    let attributes = Set(
                        cookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
                    #expect(attributes == ["Path=/auth/google", "HttpOnly", "SameSite=Lax", "Max-Age=600"])
                    let value = String(cookie.dropFirst("agnes_oauth_state=".count).prefix { $0 != ";" })
                    let stash = try fixture.services.auth.issuer.stash(from: value)
                    #expect(stash.next == "/catalog")
                    #expect(stash.matches(state: query["state"] ?? ""))
                    #expect(stash.request.nonce == query["nonce"])
                    #expect(stash.request.codeChallenge == query["code_challenge"])
                    #expect(!location.contains(stash.request.codeVerifier))
                }
            }
        }
    }

    @Test func aFirstSignInCreatesTheUserSetsTheCookieAndGoesToNext() async throws {
        try await FakeGoogle().run { google in
            let fixture = try await Self.fixture(google, allowedDomain: "example.com, Agnes.dev")
            try await fixture.application.test(.router) { client in
                let outcome = try await Self.signIn(client, google, as: .init(email: "ana@agnes.dev"))
                #expect(outcome.status == .found)
                #expect(outcome.location == "/catalog")
                #expect(outcome.clearsStateCookie)
                let login = try #require(outcome.cookies.first { $0.hasPrefix("access_token=") })
                #expect(login.contains("HttpOnly") && login.contains("SameSite=Lax") && login.contains("Max-Age=86400"))
                let token = try #require(outcome.sessionToken)
                let caller = try await fixture.services.auth.authenticator.authenticate(
                    bearer: token, cookie: nil, clientIP: nil)
                #expect(caller.user.email == "ana@agnes.dev")
                #expect(caller.user.name == "Ana Nováková")
                #expect(caller.user.passwordHash == nil)
                #expect(!caller.isAdmin)
            }
            #expect(try await Self.auditResults(fixture) == ["token_created success", "user.create "])
        }
    }

    @Test func aSecondSignInReusesTheUserAndAnUnsafeNextLandsOnTheDashboard() async throws {
        try await FakeGoogle().run { google in
            let fixture = try await Self.fixture(google)
            let existing = try await fixture.user("ana@example.com")
            try await fixture.application.test(.router) { client in
                for next in ["//evil.example.com", nil] {
                    let outcome = try await Self.signIn(client, google, as: .init(email: "ana@example.com"), next: next)
                    #expect(outcome.location == "/dashboard")
                    let token = try #require(outcome.sessionToken)
                    let caller = try await fixture.services.auth.authenticator.authenticate(
                        bearer: token, cookie: nil, clientIP: nil)
                    #expect(caller.user.id == existing)
                }
            }
            #expect(try await DuckDBUserRepository(store: fixture.services.store).count() == 1)
        }
    }

    @Test func theNameDefaultsToTheEmailsLocalPart() async throws {
        try await FakeGoogle().run { google in
            let fixture = try await Self.fixture(google)
            try await fixture.application.test(.router) { client in
                let outcome = try await Self.signIn(client, google, as: .init(email: "bob@example.com", name: nil))
                #expect(outcome.location == "/catalog")
            }
            let user = try await DuckDBUserRepository(store: fixture.services.store).find(email: "bob@example.com")
            #expect(user?.name == "bob")
        }
    }

    @Test(arguments: [
        ("ana@other.com", FakeGoogle.Identity(email: "ana@other.com"), "domain_not_allowed"),
        ("ana@sub.example.com", FakeGoogle.Identity(email: "ana@sub.example.com"), "domain_not_allowed"),
        ("no email", FakeGoogle.Identity(email: nil), "no_email"),
        ("unverified", FakeGoogle.Identity(email: "ana@example.com", isEmailVerified: false), "oauth_failed"),
    ])
    func refusedIdentitiesCreateNoUser(_ label: String, identity: FakeGoogle.Identity, error: String) async throws {
        try await FakeGoogle().run { google in
            let fixture = try await Self.fixture(google, allowedDomain: "example.com")
            try await fixture.application.test(.router) { client in
                let outcome = try await Self.signIn(client, google, as: identity)
                #expect(outcome.location == "/login?error=\(error)", "\(label)")
                #expect(outcome.sessionToken == nil)
                #expect(outcome.clearsStateCookie)
            }
            #expect(try await DuckDBUserRepository(store: fixture.services.store).count() == 0)
            #expect(try await Self.auditResults(fixture) == ["login_failed \(error)"])
        }
    }

    @Test func aDeactivatedUserIsRefused() async throws {
        try await FakeGoogle().run { google in
            let fixture = try await Self.fixture(google)
            let id = try await fixture.user("off@example.com", password: nil, active: false)
            try await fixture.application.test(.router) { client in
                let outcome = try await Self.signIn(client, google, as: .init(email: "off@example.com"))
                #expect(outcome.location == "/login?error=deactivated")
                #expect(outcome.sessionToken == nil)
            }
            let entries = try await DuckDBAuditLogRepository(store: fixture.services.store).entries(
                matching: AuditLogFilter())
            #expect(entries.map(\.action) == ["login_failed"])
            #expect(entries.first?.userID == id)
        }
    }

    @Test func aWrongStateOrAMissingOrForgedCookieIsOAuthFailedBeforeAnyTokenRequest() async throws {
        try await FakeGoogle().run { google in
            let fixture = try await Self.fixture(google)
            try await fixture.application.test(.router) { client in
                let (url, cookie) = try await Self.startLogin(client)
                let (code, state) = try google.consent(to: url, as: .init(email: "ana@example.com"))
                let forged = String(cookie.dropLast(2)) + (cookie.hasSuffix("AA") ? "BB" : "AA")
                for (state, cookie) in [("wrong-state", Optional(cookie)), (state, nil), (state, forged)] {
                    let outcome = try await Self.callback(client, code: code, state: state, cookie: cookie)
                    #expect(outcome.location == "/login?error=oauth_failed")
                    #expect(outcome.clearsStateCookie)
                    #expect(outcome.sessionToken == nil)
                }
                #expect(google.tokenRequests == 0)
                // The untouched attempt still works.
                let outcome = try await Self.callback(client, code: code, state: state, cookie: cookie)
                #expect(outcome.location == "/catalog")
            }
        }
    }

    @Test func aCodeRedeemedWithAnotherAttemptsVerifierIsRefused() async throws {
        try await FakeGoogle().run { google in
            let fixture = try await Self.fixture(google)
            try await fixture.application.test(.router) { client in
                let (firstURL, _) = try await Self.startLogin(client)
                let (secondURL, secondCookie) = try await Self.startLogin(client)
                let (code, _) = try google.consent(to: firstURL, as: .init(email: "ana@example.com"))
                let secondState = try #require(
                    URLComponents(string: secondURL)?.queryItems?.first { $0.name == "state" }?.value)
                let outcome = try await Self.callback(client, code: code, state: secondState, cookie: secondCookie)
                #expect(outcome.location == "/login?error=oauth_failed")
                #expect(google.tokenRequests == 1)
            }
        }
    }

    @Test func aTokenEndpointErrorOrAProviderErrorIsOAuthFailed() async throws {
        try await FakeGoogle().run { google in
            let fixture = try await Self.fixture(google)
            try await fixture.application.test(.router) { client in
                google.state.withLock { $0.tokenEndpointFails = true }
                let outcome = try await Self.signIn(client, google, as: .init(email: "ana@example.com"))
                #expect(outcome.location == "/login?error=oauth_failed")
                let (_, cookie) = try await Self.startLogin(client)
                let stash = try fixture.services.auth.issuer.stash(from: cookie)
                try await client.execute(
                    uri: "/auth/google/callback?error=access_denied&state=\(stash.request.state)", method: .get,
                    headers: [.cookie: "agnes_oauth_state=\(cookie)"]
                ) { response in
                    #expect(response.headers[.location] == "/login?error=oauth_failed")
                }
            }
            let entries = try await DuckDBAuditLogRepository(store: fixture.services.store).entries(
                matching: AuditLogFilter())
            #expect(entries.map(\.action) == ["login_failed", "login_failed"])
            #expect(Set(entries.compactMap { $0.params?["reason"] }).contains { $0.contains("HTTP 500") })
        }
    }

    @Test func withoutGoogleCredentialsBothRoutesSayNotConfigured() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            for uri in ["/auth/google/login?next=/catalog", "/auth/google/callback?code=x&state=y"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .found)
                    #expect(response.headers[.location] == "/login?error=google_not_configured")
                }
            }
        }
    }
}
