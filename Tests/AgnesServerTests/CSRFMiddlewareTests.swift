import AgnesCore
@testable import AgnesServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct CSRFMiddlewareTests {
    /// The router test framework sends `Host: localhost` (as the `:authority`).
    static func application(allowedOrigins: [String] = []) -> some ApplicationProtocol {
        let router = Router(context: AgnesRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: CSRFMiddleware(allowedOrigins: allowedOrigins))
        router.get("/form") { _, _ in "ok" }
        router.post("/form") { _, _ in "ok" }
        router.delete("/form") { _, _ in "ok" }
        router.post("/auth/password/login/web") { _, _ in "signed in" }
        return Application(router: router)
    }

    static let cookie: HTTPFields = [.cookie: "theme=dark; access_token=eyJ.session.jwt"]

    func status(
        _ method: HTTPRequest.Method = .post, headers: HTTPFields, allowedOrigins: [String] = []
    ) async throws -> (HTTPResponse.Status, String?) {
        try await Self.application(allowedOrigins: allowedOrigins).test(.router) { client in
            try await client.execute(uri: "/form", method: method, headers: headers) { response in
                let detail = response.status == .ok ? nil : try ServerFixture.json(response.body)["detail"] as? String
                return (response.status, detail)
            }
        }
    }

    @Test(arguments: [
        [HTTPField(name: .origin, value: "https://evil.example")],
        [HTTPField(name: .origin, value: "null")],
        [HTTPField(name: .origin, value: "http://localhost:8000")],
        [HTTPField(name: .origin, value: "http://localhost.evil.example")],
        [HTTPField(name: .referer, value: "https://evil.example/page?next=http://localhost/")],
        [],
    ])
    func crossSiteCookiePostsAreBlocked(extra: [HTTPField]) async throws {
        let (status, detail) = try await status(headers: Self.cookie + HTTPFields(extra))
        #expect(status == .forbidden)
        #expect(detail == "Cross-site request blocked")
    }

    @Test(arguments: [
        [HTTPField(name: .origin, value: "http://localhost")],
        [HTTPField(name: .origin, value: "HTTP://LOCALHOST:80")],
        [HTTPField(name: .referer, value: "http://localhost/login/password?error=invalid")],
    ])
    func sameOriginCookiePostsPass(extra: [HTTPField]) async throws {
        #expect(try await status(headers: Self.cookie + HTTPFields(extra)).0 == .ok)
    }

    @Test func allowlistedOriginsPass() async throws {
        let headers = Self.cookie + [.origin: "http://localhost:3000"]
        #expect(try await status(headers: headers, allowedOrigins: ["http://localhost:3000/"]).0 == .ok)
        #expect(try await status(headers: headers, allowedOrigins: ["https://localhost:3000"]).0 == .forbidden)
    }

    /// CORS origins may read answers; they are not trusted to post with a signed-in browser's cookie
    /// (the default `CORS_ORIGINS` includes `http://localhost:3000`, any page on a developer's machine).
    @Test func corsOriginsAreNotTrustedButCSRFTrustedOriginsAndTheServerURLAre() async throws {
        let defaults = CSRFMiddleware(settings: AgnesSettings(corsOrigins: ["http://localhost:3000"]))
        #expect(defaults.allowedOrigins.isEmpty)
        let trusted = CSRFMiddleware(
            settings: AgnesSettings(
                csrfTrustedOrigins: ["https://admin.example.com"], serverURL: URL(string: "https://agnes.example.com/x")))
        let origins = Set(trusted.allowedOrigins.map { "\($0.scheme)://\($0.host):\($0.port)" })
        #expect(origins == ["https://admin.example.com:443", "https://agnes.example.com:443"])
    }

    /// Login CSRF: a foreign page must not sign a browser into the attacker's account. The sign-in form
    /// is checked without a cookie too; a script posting it without `Origin` or `Referer` still works.
    @Test(arguments: [
        ([HTTPField(name: .origin, value: "https://evil.example")], HTTPResponse.Status.forbidden),
        ([HTTPField(name: .referer, value: "https://evil.example/login")], .forbidden),
        ([HTTPField(name: .origin, value: "http://localhost")], .ok),
        ([], .ok),
    ])
    func theSignInFormIsCheckedWithoutACookie(extra: [HTTPField], expected: HTTPResponse.Status) async throws {
        try await Self.application().test(.router) { client in
            // The router ignores empty path segments: so does the check.
            for uri in ["/auth/password/login/web", "/auth/password/login/web/", "//auth//password/login/web"] {
                try await client.execute(uri: uri, method: .post, headers: HTTPFields(extra)) {
                    #expect($0.status == expected, "\(uri)")
                }
            }
        }
    }

    /// A browser may send `Origin: null` for a same-site post; its `Sec-Fetch-Site` (which no page can
    /// set) then decides.
    @Test(arguments: [("same-origin", HTTPResponse.Status.ok), ("cross-site", .forbidden), (nil, .forbidden)] as [(String?, HTTPResponse.Status)])
    func aNullOriginPassesOnlyWhenTheBrowserSaysSameOrigin(site: String?, expected: HTTPResponse.Status)
        async throws
    {
        var fields: HTTPFields = [.origin: "null"]
        if let site { fields[HTTPField.Name("Sec-Fetch-Site")!] = site }
        let headers = fields
        #expect(try await status(headers: Self.cookie + headers).0 == expected)
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/auth/password/login/web", method: .post, headers: headers) {
                #expect($0.status == expected)
            }
        }
    }

    @Test func bearerCallsAreNotChecked() async throws {
        let headers = Self.cookie + [.authorization: "Bearer eyJ.pat.jwt", .origin: "https://evil.example"]
        #expect(try await status(headers: headers).0 == .ok)
    }

    @Test func requestsWithoutTheSessionCookieAreNotChecked() async throws {
        let headers: HTTPFields = [.cookie: "theme=dark", .origin: "https://evil.example"]
        #expect(try await status(headers: headers).0 == .ok)
    }

    @Test func safeMethodsAreNotChecked() async throws {
        #expect(try await status(.get, headers: Self.cookie + [.origin: "https://evil.example"]).0 == .ok)
    }

    @Test func deleteIsChecked() async throws {
        #expect(try await status(.delete, headers: Self.cookie + [.origin: "https://evil.example"]).0 == .forbidden)
    }
}

extension HTTPFields {
    fileprivate static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var fields = lhs
        fields.append(contentsOf: rhs)
        return fields
    }
}
