import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Delivers mail through SendGrid's v3 `mail/send` API.
///
/// ```swift
/// let sender = SendGridMailSender(apiKey: key)
/// try await sender.send(message)
/// ```
public struct SendGridMailSender: MailSender {
    /// SendGrid's production API.
    public static let defaultBaseURL = "https://api.sendgrid.com"

    let apiKey: String
    let baseURL: String
    let httpClient: HTTPClient
    let timeout: Duration
    let logger: Logger

    /// Creates a sender.
    ///
    /// - Parameters:
    ///   - apiKey: The API key, sent as a bearer token and never logged.
    ///   - baseURL: The API's scheme and host; tests point it at a fake server.
    ///   - httpClient: The client to use; the caller owns its lifetime.
    ///   - timeout: The limit for the whole request.
    public init(
        apiKey: String,
        baseURL: String = SendGridMailSender.defaultBaseURL,
        httpClient: HTTPClient = .shared,
        timeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "agnes.mail.sendgrid")
    ) {
        self.apiKey = apiKey
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.httpClient = httpClient
        self.timeout = timeout
        self.logger = logger
    }

    /// Posts `message` to `/v3/mail/send`; SendGrid's 202 means accepted.
    ///
    /// - Throws: ``MailError`` with code `rejected` or `authenticationFailed` carrying the HTTP status and
    ///   SendGrid's error messages, or `connectionFailed` when the API cannot be reached.
    public func send(_ message: MailMessage) async throws {
        try message.validate()
        var request = HTTPClientRequest(url: baseURL + "/v3/mail/send")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(SendGridRequest(message))))

        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw MailError(.connectionFailed, "Cannot reach SendGrid at \(baseURL)", cause: error)
        }
        let status = Int(response.status.code)
        guard status == 202 else {
            let details = SendGridErrorResponse.messages(in: body)
            let code: MailError.Code = status == 401 || status == 403 ? .authenticationFailed : .rejected
            throw MailError(
                code,
                "SendGrid refused the message with HTTP \(status)" + (details.isEmpty ? "" : ": " + details),
                status: status
            )
        }
        logger.debug("Mail accepted by SendGrid", metadata: ["recipients": "\(message.to.count)"])
    }
}
