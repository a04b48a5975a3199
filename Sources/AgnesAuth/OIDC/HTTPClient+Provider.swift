import AgnesCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A provider's answer: status and body.
struct ProviderResponse: Sendable {
    let status: Int
    let body: Data

    /// The body decoded as `type`; throws ``OIDCError`` (`provider_unavailable`) naming `what` otherwise.
    func decode<T: Decodable>(_ type: T.Type, from what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw OIDCError(.providerUnavailable, "\(what) answered JSON of an unexpected shape", cause: error)
        }
    }

    /// OAuth's error body `{"error": …, "error_description": …}` as one line, or a short body excerpt.
    var oauthErrorSummary: String {
        struct OAuthError: Decodable {
            let error: String
            let errorDescription: String?
            enum CodingKeys: String, CodingKey {
                case error
                case errorDescription = "error_description"
            }
        }
        if let parsed = try? JSONDecoder().decode(OAuthError.self, from: body) {
            return parsed.error + (parsed.errorDescription.map { ": \($0)" } ?? "")
        }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }
}

extension HTTPClient {
    /// The most of a provider's body read (JWKS, token and directory answers are a few KB).
    static let providerBodyLimit = 1 << 20

    /// GETs `url`; throws ``OIDCError`` (`provider_unavailable`) when it cannot be reached.
    func providerGET(_ url: String, headers: [(String, String)] = [], timeout: Duration) async throws
        -> ProviderResponse
    {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await send(request, timeout: timeout)
    }

    /// POSTs a form to `url`; throws ``OIDCError`` (`provider_unavailable`) when it cannot be reached.
    func providerPOST(form fields: [(String, String)], to url: String, timeout: Duration) async throws
        -> ProviderResponse
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))
        return try await send(request, timeout: timeout)
    }

    private func send(_ request: HTTPClientRequest, timeout: Duration) async throws -> ProviderResponse {
        do {
            let response = try await execute(request, timeout: TimeAmount(timeout))
            let body = try await response.body.collect(upTo: Self.providerBodyLimit)
            return ProviderResponse(status: Int(response.status.code), body: Data(buffer: body))
        } catch {
            throw OIDCError(.providerUnavailable, "cannot reach \(Self.redacted(request.url))", cause: error)
        }
    }

    /// The URL without its query (which may carry a user's email).
    private static func redacted(_ url: String) -> String {
        String(url.prefix { $0 != "?" })
    }
}
