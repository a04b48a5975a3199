import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One attempt of a call to an outside service, the part every client shares: execute the request,
/// read the body (up to a limit), turn a broken connection or a body cut short into a
/// ``TransientFailure``, and a transient status (429, 5xx other than 501, or whatever `isTransient`
/// adds) into one carrying the server's `Retry-After`. Everything else is answered for the caller to
/// judge. Run it inside ``RetryPolicy/run(_:)``.
///
/// ```swift
/// let answer = try await policy.run { attempt in
///     try await HTTPExchange.perform(http, request, service: "Jira", what: "GET issue", attempt: attempt,
///                                    logger: logger) { status, body in "Jira answered \(status)" }
/// }
/// ```
public enum HTTPExchange {
    /// An answer: status, headers and body.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: Data
    }

    /// Performs one attempt. `message` words a transient failure (for the error the caller finally
    /// sees when the attempts run out).
    public static func perform(
        _ http: HTTPClient, _ request: HTTPClientRequest, service: String, what: String, attempt: Int,
        maxBytes: Int = 64 << 20, timeout: TimeAmount = .seconds(120), logger: Logger,
        isTransient: (Int, Data) -> Bool = { status, _ in TransientFailure.isTransient(status: status) },
        message: (Int, Data) -> String
    ) async throws -> Answer {
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: timeout)
            body = try await response.body.collect(upTo: maxBytes)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw TransientFailure(message: "\(what): the connection to \(service) failed (\(error))")
        }
        let status = Int(response.status.code)
        let data = Data(buffer: body)
        if !(200..<300).contains(status), isTransient(status, data) {
            logger.info(
                "\(service) answered \(status); retrying", metadata: ["request": "\(what)", "attempt": "\(attempt)"])
            throw TransientFailure(
                status: status, retryAfter: TransientFailure.retryAfter(response.headers.first(name: "Retry-After")),
                message: message(status, data))
        }
        return Answer(status: status, headers: response.headers, body: data)
    }
}
