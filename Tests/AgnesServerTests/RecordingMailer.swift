import AgnesMail
import AgnesServer
import Foundation
import HTTPTypes
import NIOCore
import Synchronization

/// A mail transport that keeps what it is given, for route tests. (Delivery over real SMTP is
/// covered by AgnesMailTests and by `MagicLinkRoutesTests.aLinkMailedOverRealSMTPSignsIn`.)
final class RecordingMailSender: MailSender {
    private let messages = Mutex<[MailMessage]>([])

    func send(_ message: MailMessage) async throws {
        messages.withLock { $0.append(message) }
    }

    var sent: [MailMessage] { messages.withLock { $0 } }

    var mailer: Mailer { Mailer(sender: self, from: "agnes@example.com") }
}

extension ServerFixture {
    /// Everything mailed so far, once the mail routes' background work (lookup, token, send) has
    /// finished: no polling, no sleeping.
    func mailed(_ mail: RecordingMailSender) async -> [MailMessage] {
        await services.background.idle()
        return mail.sent
    }
}

/// Helpers for browser-style requests in router tests.
enum FormRequest {
    static let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func body(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = fields.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        return ByteBuffer(string: text)
    }

    /// The first http(s) URL in a text.
    static func link(in text: String) -> URLComponents? {
        guard let range = text.range(of: #"https?://[^\s]+"#, options: .regularExpression) else { return nil }
        return URLComponents(string: String(text[range]))
    }

    /// The session token a response sets, if any.
    static func sessionCookie(_ headers: HTTPFields) -> String? {
        for value in headers[values: .setCookie] where value.hasPrefix("access_token=") {
            let token = value.dropFirst("access_token=".count).prefix { $0 != ";" }
            return token.isEmpty ? nil : String(token)
        }
        return nil
    }
}

extension URLComponents {
    func query(_ name: String) -> String? {
        queryItems?.first { $0.name == name }?.value
    }
}
