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

    /// Waits (up to 5 s) for the `count`-th message: flows that must not reveal whether an account
    /// exists send in the background.
    func waitForMessages(_ count: Int = 1) async throws -> [MailMessage] {
        for _ in 0..<500 {
            let current = sent
            if current.count >= count { return current }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw MailWaitTimeout(expected: count, got: sent.count)
    }

    var mailer: Mailer { Mailer(sender: self, from: "agnes@example.com") }
}

struct MailWaitTimeout: Error {
    let expected: Int
    let got: Int
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
