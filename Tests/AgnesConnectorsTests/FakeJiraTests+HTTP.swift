import AgnesFakes
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// HTTP helpers of ``FakeJiraTests``: raw calls with Basic auth, and decoded JSON.
extension FakeJiraTests {
    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: Data

        func object() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        }

        func array() throws -> [[String: Any]] {
            try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]])
        }

        /// The first of Jira's `errorMessages`.
        func errorMessage() throws -> String? {
            (try object()["errorMessages"] as? [String])?.first
        }
    }

    enum Account {
        case main, sla, none
        case custom(String, String)
    }

    func withFake(_ body: (FakeJira) async throws -> Void) async throws {
        let jira = await FakeJira.start()
        do {
            try await body(jira)
        } catch {
            await jira.stop()
            throw error
        }
        await jira.stop()
    }

    /// A call to `path` under the main root (or the SLA root when `account` is `.sla`) with that account's
    /// credentials.
    static func api(
        _ jira: FakeJira, _ path: String, method: HTTPMethod = .GET, json: [String: Any]? = nil,
        account: Account = .main, root: String? = nil
    ) async throws -> Reply {
        var headers = ["Accept": "application/json"]
        let credentials: (String, String)? =
            switch account {
            case .main: ("bot@example.com", "jira-token")
            case .sla: ("sla@example.com", "sla-token")
            case .none: nil
            case .custom(let email, let token): (email, token)
            }
        if let (email, token) = credentials {
            headers["Authorization"] = "Basic " + Data("\(email):\(token)".utf8).base64EncodedString()
        }
        var body: String?
        if let json {
            headers["Content-Type"] = "application/json"
            body = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        }
        let base = root ?? (account == .sla ? jira.slaBaseURL : jira.baseURL)
        return try await call(base + path, method: method, body: body, headers: headers)
    }

    /// `POST /rest/api/3/search/jql`.
    static func search(_ jira: FakeJira, _ request: [String: Any]) async throws -> Reply {
        try await api(jira, "/rest/api/3/search/jql", method: .POST, json: request)
    }

    static func call(
        _ url: String, method: HTTPMethod = .GET, body: String? = nil, headers: [String: String] = [:],
        client: HTTPClient = .shared
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
    }

    /// A client that does not follow redirects, to see the 303 itself.
    static func withoutRedirects<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    /// 2026-03-04 10:15:30.123 UTC plus `days`.
    static func date(days: Double = 0) -> Date {
        Date(timeIntervalSince1970: 1_772_619_330.123 + days * 86_400)
    }

    static func keys(_ reply: Reply) throws -> [String] {
        (try reply.object()["issues"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
    }
}

extension FakeJiraTests.Account: Equatable {}
