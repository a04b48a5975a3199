import AgnesServer
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /openapi.json` and `GET /docs`: every route the router serves is described, and nothing else.
@Suite struct APIDescriptionTests {
    /// `"GET /auth/tokens/{id}"` for each route of the router (`**` is the document's `{path}`).
    static func routes(of router: Router<AgnesRequestContext>) -> Set<String> {
        Set(
            router.routes.map {
                "\($0.method.rawValue) \($0.path.description.replacingOccurrences(of: "**", with: "{path}"))"
            })
    }

    /// `"GET /auth/tokens/{id}"` for each operation of the document.
    static func operations(of document: [String: Any]) -> Set<String> {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        return Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
    }

    static func document(_ client: some TestClientProtocol) async throws -> [String: Any] {
        let reply = try await client.raw(.get, "/openapi.json", as: nil)
        #expect(reply.status == .ok)
        #expect(reply.headers[.contentType] == "application/json")
        return reply.object
    }

    @Test func everyRegisteredRouteIsDescribedAndNothingElse() async throws {
        let fixture = try await ServerFixture()
        let registered = Self.routes(of: AgnesServer.router(services: fixture.services))
        try await fixture.application.test(.router) { client in
            let described = Self.operations(of: try await Self.document(client))
            #expect(registered.count > 90)
            let undescribed = registered.subtracting(described).sorted()
            #expect(undescribed == [], "Registered but not described: add an APIOperation to the group's operations")
            let phantom = described.subtracting(registered).sorted()
            #expect(phantom == [], "Described but not registered")
            for route in [
                "GET /api/admin/workspace-prompt-template", "PUT /api/admin/welcome-template",
                "POST /api/admin/welcome-template/preview", "GET /openapi.json", "GET /docs",
                "HEAD /api/data/{table_id}/download",
                "GET /api/metrics/{path}",
            ] {
                #expect(described.contains(route), "\(route)")
            }
        }
    }

    /// The check above fails for a route added to the router without a description.
    @Test func aRouteWithoutADescriptionIsCaught() async throws {
        let fixture = try await ServerFixture()
        let router = AgnesServer.router(services: fixture.services)
        router.get("/api/undescribed/:id") { _, _ in "" }
        let registered = Self.routes(of: router)
        try await fixture.application.test(.router) { client in
            let described = Self.operations(of: try await Self.document(client))
            #expect(registered.subtracting(described) == ["GET /api/undescribed/{id}"])
        }
    }

    @Test func eachOperationSaysWhoMayCallItAndWhatItTakes() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.router) { client in
            let document = try await Self.document(client)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            for (path, methods) in paths {
                for (method, operation) in methods {
                    #expect((operation["summary"] as? String)?.isEmpty == false, "\(method) \(path)")
                    let access = operation["x-agnes-access"] as? String
                    #expect(["anonymous", "user", "admin"].contains(access), "\(method) \(path)")
                    let responses = operation["responses"] as? [String: Any] ?? [:]
                    #expect(!responses.isEmpty, "\(method) \(path)")
                    if access == "admin" { #expect(responses["403"] != nil, "\(method) \(path)") }
                    if access == "anonymous" { #expect((operation["security"] as? [Any])?.isEmpty == true) }
                    // Every `{name}` of the path is a declared path parameter.
                    let declared = Set(
                        (operation["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "path" }
                            .compactMap { $0["name"] as? String })
                    let inPath = Set(
                        path.split(separator: "/").filter { $0.hasPrefix("{") }.map {
                            String($0.dropFirst().dropLast())
                        })
                    #expect(declared == inPath, "\(method) \(path)")
                }
            }
            let put = try #require(paths["/api/admin/workspace-prompt-template"]?["put"])
            #expect(put["x-agnes-access"] as? String == "admin")
            let body = put["requestBody"] as? [String: Any]
            let schema = ((body?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]
            #expect((schema as? [String: Any])?["required"] as? [String] == ["content"])
            #expect(paths["/api/health"]?["get"]?["x-agnes-access"] as? String == "anonymous")
            #expect(paths["/auth/tokens"]?["get"]?["x-agnes-access"] as? String == "user")
        }
    }

    @Test func theDocsPageIsRenderedHereWithNothingFromElsewhere() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.live) { client in
            let paths = (try await Self.document(client)["paths"] as? [String: Any] ?? [:]).keys
            let reply = try await client.raw(.get, "/docs", as: nil)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: reply.body)
            for path in paths { #expect(html.contains("<code>\(path)</code>"), "\(path)") }
            #expect(!html.contains("<script") && !html.contains("src="))
            #expect(!html.contains("href=\"http") && !html.contains("@import") && !html.contains("url("))
            // The one inline style is the one the policy allows by its hash.
            let policy = try #require(reply.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'none'"))
            let style = try #require(
                html.firstRange(of: "<style>").flatMap { start in
                    html[start.upperBound...].firstRange(of: "</style>").map { html[start.upperBound..<$0.lowerBound] }
                })
            let hash = Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString()
            #expect(policy.contains("style-src 'sha256-\(hash)'"))
        }
    }
}
