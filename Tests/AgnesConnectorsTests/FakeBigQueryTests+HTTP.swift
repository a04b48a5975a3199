import AgnesFakes
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import _CryptoExtras

/// HTTP helpers of ``FakeBigQueryTests``: raw calls, JSON, and RS256 assertions signed here with
/// swift-crypto, as a client of the real service would sign them.
extension FakeBigQueryTests {
    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: Data

        func object() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        }

        /// The envelope's `error` object.
        func error() throws -> [String: Any] {
            try #require(try object()["error"] as? [String: Any])
        }

        /// The reason of the envelope's first `ErrorProto`.
        func reason() throws -> String? {
            (try error()["errors"] as? [[String: Any]])?.first?["reason"] as? String
        }
    }

    func withFake(_ body: (FakeBigQuery) async throws -> Void) async throws {
        let bigQuery = await FakeBigQuery.start()
        do {
            try await body(bigQuery)
        } catch {
            await bigQuery.stop()
            throw error
        }
        await bigQuery.stop()
    }

    /// A BigQuery API call with a bearer token (a fresh valid one unless `token` says otherwise).
    static func api(
        _ bigQuery: FakeBigQuery, _ path: String, method: HTTPMethod = .GET, json: [String: Any]? = nil,
        token: String?? = .none
    ) async throws -> Reply {
        var headers: [String: String] = ["Content-Type": "application/json"]
        switch token {
        case .none: headers["Authorization"] = "Bearer " + bigQuery.accessToken()
        case .some(let given?): headers["Authorization"] = "Bearer " + given
        case .some(nil): break
        }
        let body = try json.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        return try await call(
            bigQuery.apiBaseURL + "/bigquery/v2/projects/" + path, method: method, body: body, headers: headers)
    }

    /// jobs.query of GoogleSQL in project `project`.
    static func query(_ bigQuery: FakeBigQuery, _ sql: String, project: String = "proj", extra: [String: Any] = [:])
        async throws -> Reply
    {
        var request: [String: Any] = ["query": sql, "useLegacySql": false]
        request.merge(extra) { _, new in new }
        return try await api(bigQuery, "\(project)/queries", method: .POST, json: request)
    }

    static func call(_ url: String, method: HTTPMethod = .GET, body: String? = nil, headers: [String: String] = [:])
        async throws -> Reply
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
    }

    /// The JSON text of `object` with sorted keys, to compare decoded JSON whatever its key order.
    static func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The `v`s of a `TableRow`.
    static func values(_ row: Any) -> [Any] {
        ((row as? [String: Any])?["f"] as? [[String: Any]] ?? []).map { $0["v"] ?? NSNull() }
    }

    // MARK: - Service-account assertions

    /// An RS256 JWT-bearer assertion signed with `keyPEM`.
    static func assertion(keyPEM: String, keyID: String?, claims: [String: Any]) throws -> String {
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: keyPEM)
        var header: [String: Any] = ["alg": "RS256", "typ": "JWT"]
        header["kid"] = keyID
        let input =
            base64URL(try JSONSerialization.data(withJSONObject: header)) + "."
            + base64URL(try JSONSerialization.data(withJSONObject: claims))
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + base64URL(signature.rawRepresentation)
    }

    /// The claims a service account sends for BigQuery, addressed to `audience`.
    static func claims(issuer: String, audience: String, lifetime: Int = 3600) -> [String: Any] {
        let now = Int(Date().timeIntervalSince1970)
        return [
            "iss": issuer, "scope": "https://www.googleapis.com/auth/bigquery", "aud": audience, "iat": now,
            "exp": now + lifetime,
        ]
    }

    /// `POST <token_uri>` with the JWT-bearer grant.
    static func exchange(_ assertion: String, at tokenURI: String) async throws -> Reply {
        let body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion
        return try await call(
            tokenURI, method: .POST, body: body, headers: ["Content-Type": "application/x-www-form-urlencoded"])
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
