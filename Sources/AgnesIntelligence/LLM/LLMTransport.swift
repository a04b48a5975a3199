import AgnesConnectors
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The HTTP part both providers share: one JSON POST with the retry policy of REFERENCE §5.4 (three
/// attempts, 2 s × 2ⁿ backoff, `retry-after` honoured on 429; 529 overloaded, other 5xx, timeouts and
/// broken connections retried; a 401/403 never), and the failure that remains mapped to an
/// ``LLMError``.
struct LLMTransport: Sendable {
    static let defaultHTTPClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(15), read: .seconds(180))))

    let http: HTTPClient
    let retry: RetryPolicy
    let timeout: TimeAmount
    let service: String
    let logger: Logger

    /// POSTs `body` to `url` with the retries; answers the final status and body (a refusal such as 400
    /// or 401 is answered, not thrown, for the provider to word).
    func post(_ url: String, headers: [(String, String)], body: Data, what: String) async throws -> (Int, Data) {
        let (http, timeout, service, logger) = (self.http, self.timeout, self.service, self.logger)
        do {
            return try await retry.run { attempt in
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
                let answer = try await HTTPExchange.perform(
                    http, request, service: service, what: what, attempt: attempt, timeout: timeout, logger: logger
                ) { status, _ in "\(service) answered \(status)" }
                return (answer.status, answer.body)
            }
        } catch let failure as TransientFailure {
            switch failure.status {
            case 429?, 529?: throw LLMError(.rateLimit, failure.message + " (gave up after retries)")
            case nil: throw LLMError(.timeout, failure.message + " (gave up after retries)")
            default: throw LLMError(.upstream, failure.message + " (gave up after retries)")
            }
        }
    }

    /// The error a refused request means, in the provider's words (`error.message`).
    static func refusal(status: Int, body: Data, service: String) -> LLMError {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let error = object?["error"] as? [String: Any]
        let said = (error?["message"] as? String).map { ": \($0)" } ?? ""
        switch status {
        case 401, 403: return LLMError(.auth, "\(service) refused the API key (\(status))\(said)")
        default: return LLMError(.upstream, "\(service) refused the request (\(status))\(said)")
        }
    }

    /// The answer text as JSON of `schema`.
    static func validated(_ text: String, schema: LLMSchema, service: String) throws -> Data {
        guard let data = text.data(using: .utf8), let value = try? JSONSerialization.jsonObject(with: data) else {
            throw LLMError(.format, "\(service)'s answer is not JSON: \(text.prefix(200))")
        }
        do { try schema.validate(value) } catch {
            throw LLMError(.format, "\(service)'s answer does not fit the schema: \(error)")
        }
        return data
    }
}
