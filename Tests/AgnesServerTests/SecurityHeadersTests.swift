import AgnesServer
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Pages of the sign-in flows cannot be framed, sniffed or leak their tokens through `Referer`, and
/// run nothing but their own script.
@Suite struct SecurityHeadersTests {
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    @Test(arguments: [
        "/login", "/login/password", "/login/email", "/auth/password/reset?email=a%40b.c&token=t",
        "/auth/password/setup?email=a%40b.c&token=t", "/auth/email/verify?email=a%40b.c&token=t", "/first-time-setup",
        "/setup",
    ])
    func signInPagesCarryThePolicyAndLeakNoReferrer(uri: String) async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[Self.frameOptions] == "DENY")
                #expect(response.headers[Self.contentTypeOptions] == "nosniff")
                // Never a Referer to another site; `no-referrer` would make the page's own forms post
                // `Origin: null` and fail the CSRF check.
                #expect(response.headers[Self.referrerPolicy] == "same-origin")
                let policy = try #require(response.headers[.contentSecurityPolicy])
                for directive in [
                    "default-src 'none'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'",
                ] {
                    #expect(policy.contains(directive), "\(uri): \(policy)")
                }
                #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
                // Every inline script and style of the page is allowed by its hash, and nothing else runs.
                let html = String(buffer: response.body)
                // A script is inline (allowed by its hash below) or the server's own file; a style is inline.
                #expect(
                    html.components(separatedBy: "<script").count
                        == html.components(separatedBy: "<script>").count
                        + html.components(separatedBy: "<script src=\"/static/agnes.").count - 1)
                #expect(html.components(separatedBy: "<style").count == html.components(separatedBy: "<style>").count)
                for (tag, directive) in [("script", "script-src"), ("style", "style-src")] {
                    for inline in Self.inline(tag, in: html) {
                        let hash = Data(SHA256.hash(data: Data(inline.utf8))).base64EncodedString()
                        #expect(policy.contains("\(directive) 'sha256-\(hash)'"), "\(uri): \(tag) not allowed")
                    }
                }
                #expect(!html.contains(" onclick=") && !html.contains(" onsubmit="))
            }
        }
    }

    @Test func apiAnswersAndErrorsCarryTheHeadersToo() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            for uri in ["/api/version", "/api/catalog/tables", "/no/such/page"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.headers[Self.contentTypeOptions] == "nosniff", "\(uri)")
                    #expect(response.headers[Self.frameOptions] == "DENY", "\(uri)")
                    #expect(response.headers[Self.referrerPolicy] == "same-origin", "\(uri)")
                }
            }
        }
    }

    /// The text of each `<tag>…</tag>` in `html`.
    static func inline(_ tag: String, in html: String) -> [String] {
        var found: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<\(tag)>"),
            let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex)
        {
            found.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }
}
