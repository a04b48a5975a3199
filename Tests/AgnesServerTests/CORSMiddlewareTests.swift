import AgnesCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import AgnesServer

/// `CORS_ORIGINS` pages may read answers with credentials; no other page may; preflights are answered
/// before authentication and routing; CSRF still decides about cookie posts.
@Suite struct CORSMiddlewareTests {
    static let corsHeaders: [HTTPField.Name] = [
        .accessControlAllowOrigin, .accessControlAllowCredentials, .accessControlAllowMethods,
        .accessControlAllowHeaders, .accessControlMaxAge, .accessControlExposeHeaders,
    ]

    static func application(origins: [String] = AgnesSettings.defaultCORSOrigins) -> some ApplicationProtocol {
        let router = Router(context: AgnesRequestContext.self)
        router.add(middleware: CORSMiddleware(origins: origins))
        router.add(middleware: ErrorMiddleware())
        router.get("/thing") { _, _ in "ok" }
        router.get("/secret") { _, _ -> String in throw APIError(.unauthorized, "Not authenticated") }
        return Application(router: router)
    }

    static func vary(_ response: TestResponse) -> Set<String> {
        Set(
            response.headers[values: .vary].flatMap { $0.split(separator: ",") }.map {
                $0.trimmedOfWhitespace.lowercased()
            })
    }

    static func expectNoCORSHeaders(_ response: TestResponse, _ comment: Comment? = nil) {
        for name in corsHeaders { #expect(response.headers[name] == nil, comment) }
    }

    @Test(arguments: ["http://localhost:3000", "http://localhost:8000"])
    func theDefaultOriginsMayReadWithCredentials(origin: String) async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/thing", method: .get, headers: [.origin: origin], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.accessControlAllowOrigin] == origin)
            #expect(response.headers[.accessControlAllowCredentials] == "true")
            #expect(Self.vary(response) == ["origin"])
        }
    }

    @Test func theDefaultsAreTheOriginals() {
        #expect(
            CORSMiddleware(settings: AgnesSettings()).origins == ["http://localhost:3000", "http://localhost:8000"])
    }

    /// Configured origins are compared as browsers serialize `Origin`: lowercase, no default port, no
    /// trailing slash.
    @Test(arguments: [
        ("https://app.example.com/", "https://app.example.com"),
        ("https://app.example.com:443", "https://app.example.com"),
        ("HTTP://LocalHost:3000", "http://localhost:3000"),
        ("http://[::1]:3000", "http://[::1]:3000"),
        (" http://10.0.0.5:80 ", "http://10.0.0.5"),
    ])
    func configuredOriginsMatchWhatBrowsersSend(configured: String, sent: String) async throws {
        #expect(CORSMiddleware(origins: [configured]).origins == [sent])
        try await Self.application(origins: [configured]).test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/thing", method: .get, headers: [.origin: sent], body: nil)
            #expect(response.headers[.accessControlAllowOrigin] == sent)
        }
    }

    /// `*` with credentials would let every site read a signed-in browser's answers: it allows nothing
    /// (and `CORS_ORIGINS` refuses it at start-up).
    @Test func wildcardsAndJunkAllowNothing() {
        let middleware = CORSMiddleware(
            origins: [
                "*", "null", "localhost:3000", "https://a.example/path", "https://a.example?q", "ftp://a.example", "",
            ])
        #expect(middleware.origins.isEmpty)
    }

    @Test(arguments: [
        "https://evil.example", "http://localhost:3001", "https://localhost:3000", "http://localhost:3000.evil.example",
        "http://localhost:3000/", "http://LOCALHOST:3000", "null", "*", "",
    ])
    func otherOriginsGetNoCORSHeaders(origin: String) async throws {
        try await Self.application().test(.router) { client in
            // The answer itself is sent: CORS is the browser's rule about which page may read it.
            let response = try await client.executeRequest(
                uri: "/thing", method: .get, headers: [.origin: origin], body: nil)
            #expect(response.status == .ok)
            Self.expectNoCORSHeaders(response, "\(origin)")
            #expect(Self.vary(response) == ["origin"])
        }
    }

    @Test func requestsWithoutAnOriginAreUntouched() async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(uri: "/thing", method: .get, headers: [:], body: nil)
            Self.expectNoCORSHeaders(response)
            #expect(Self.vary(response).isEmpty)
        }
    }

    @Test func twoOriginFieldsAllowNothing() async throws {
        var headers: HTTPFields = [.origin: "http://localhost:3000"]
        headers.append(HTTPField(name: .origin, value: "http://localhost:8000"))
        let sent = headers
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(uri: "/thing", method: .get, headers: sent, body: nil)
            Self.expectNoCORSHeaders(response)
            let preflight = try await client.executeRequest(
                uri: "/thing", method: .options, headers: sent + [.accessControlRequestMethod: "GET"], body: nil)
            #expect(preflight.status == .badRequest)
            Self.expectNoCORSHeaders(preflight)
        }
    }

    /// A page may read the detail of an error it is allowed to see.
    @Test func errorsCarryTheHeadersToo() async throws {
        try await Self.application().test(.router) { client in
            for uri in ["/secret", "/no/such/route"] {
                let response = try await client.executeRequest(
                    uri: uri, method: .get, headers: [.origin: "http://localhost:3000"], body: nil)
                #expect(response.status.code >= 400)
                #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:3000", "\(uri)")
                #expect(response.headers[.accessControlAllowCredentials] == "true")
            }
        }
    }

    @Test func aPreflightFromAnAllowedOriginIsAnsweredBeforeRouting() async throws {
        try await Self.application().test(.router) { client in
            // No OPTIONS route exists, and `/secret` would need authentication.
            for uri in ["/secret", "/no/such/route"] {
                let response = try await client.executeRequest(
                    uri: uri, method: .options,
                    headers: [
                        .origin: "http://localhost:3000", .accessControlRequestMethod: "DELETE",
                        .accessControlRequestHeaders: "authorization, content-type, x-request-id",
                    ], body: nil)
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:3000")
                #expect(response.headers[.accessControlAllowCredentials] == "true")
                let methods = Set(
                    (response.headers[.accessControlAllowMethods] ?? "").split(separator: ",").map(
                        \.trimmedOfWhitespace))
                #expect(methods == ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"])
                #expect(response.headers[.accessControlAllowHeaders] == "authorization, content-type, x-request-id")
                #expect(response.headers[.accessControlMaxAge] == "600")
                #expect(Self.vary(response) == ["origin"])
            }
        }
    }

    @Test func aPreflightWithoutRequestedHeadersAllowsNone() async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/thing", method: .options,
                headers: [.origin: "http://localhost:8000", .accessControlRequestMethod: "GET"], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.accessControlAllowHeaders] == nil)
        }
    }

    @Test(arguments: ["https://evil.example", "null", "http://localhost:3001"])
    func aPreflightFromAnotherOriginIsRefused(origin: String) async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/thing", method: .options,
                headers: [
                    .origin: origin, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization",
                ],
                body: nil)
            #expect(response.status == .badRequest)
            #expect(ServerFixture.detail(response.body) == "Disallowed CORS origin")
            Self.expectNoCORSHeaders(response)
        }
    }

    /// `OPTIONS` without `Access-Control-Request-Method` is an ordinary request: the router answers it.
    @Test func optionsWithoutARequestedMethodIsNotAPreflight() async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/thing", method: .options, headers: [.origin: "http://localhost:3000"], body: nil)
            #expect(response.status != .ok)
            #expect(response.headers[.accessControlAllowMethods] == nil)
            #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:3000")
        }
    }

    /// `CORS_ORIGINS` from the environment, through start-up's settings, to the answers.
    @Test func theEnvironmentVariableDecides() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-cors-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let settings = try ConfigLoader.load(
            environment: [
                "DATA_DIR": root.path, "CONFIG_DIR": root.appendingPathComponent("config").path,
                "CORS_ORIGINS": "https://app.example.com/, http://localhost:5173",
            ],
            logger: Logger(label: "test"))
        #expect(CORSMiddleware(settings: settings).origins == ["https://app.example.com", "http://localhost:5173"])
        let fixture = try await ServerFixture(settings: { dataDir in
            var settings = settings
            settings.dataDir = dataDir
            return settings
        })
        try await fixture.application.test(.router) { client in
            let allowed = try await client.executeRequest(
                uri: "/api/version", method: .get, headers: [.origin: "https://app.example.com"], body: nil)
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://app.example.com")
            // The defaults are replaced, not extended.
            let former = try await client.executeRequest(
                uri: "/api/version", method: .get, headers: [.origin: "http://localhost:3000"], body: nil)
            Self.expectNoCORSHeaders(former)
        }
    }
}

/// CORS through the whole server: preflights skip authentication, and CSRF still refuses cookie posts
/// from CORS origins.
@Suite struct CORSRoutesTests {
    @Test func aPreflightNeedsNoAuthenticationAndReachesNoRoute() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/api/query", method: .options,
                headers: [
                    .origin: "http://localhost:3000", .accessControlRequestMethod: "POST",
                    .accessControlRequestHeaders: "authorization, content-type",
                ], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:3000")
            #expect(response.headers[.accessControlAllowHeaders] == "authorization, content-type")
            // The server's own headers are still there.
            #expect(response.headers[HTTPField.Name("x-request-id")!] != nil)
            #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        }
    }

    @Test func aCookiePostFromACORSOriginIsStillBlockedAndThePageMayReadWhy() async throws {
        let fixture = try await ServerFixture.fast()
        let (_, token) = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/api/query", method: .post,
                headers: [
                    .origin: "http://localhost:3000", .cookie: "access_token=\(token)",
                    .contentType: "application/json",
                ], body: ByteBuffer(string: #"{"sql":"SELECT 1"}"#))
            #expect(response.status == .forbidden)
            #expect(ServerFixture.detail(response.body) == "Cross-site request blocked")
            #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:3000")
        }
    }

    @Test func aCORSOriginReadsWithTheCookie() async throws {
        let fixture = try await ServerFixture.fast()
        let (_, token) = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/auth/me", method: .get,
                headers: [.origin: "http://localhost:8000", .cookie: "access_token=\(token)"],
                body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:8000")
            #expect(response.headers[.accessControlAllowCredentials] == "true")
        }
    }
}

extension HTTPFields {
    fileprivate static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var fields = lhs
        fields.append(contentsOf: rhs)
        return fields
    }
}
