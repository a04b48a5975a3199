import Foundation
import NIOCore

/// The JSON body of `POST /v3/mail/send`.
struct SendGridRequest: Codable, Equatable {
    struct Address: Codable, Equatable {
        var email: String
        var name: String?
    }

    struct Personalization: Codable, Equatable {
        var to: [Address]
    }

    struct Content: Codable, Equatable {
        var type: String
        var value: String
    }

    var personalizations: [Personalization]
    var from: Address
    var subject: String
    var content: [Content]

    init(_ message: MailMessage) {
        personalizations = [Personalization(to: message.to.map { Address(email: $0.email, name: $0.name) })]
        from = Address(email: message.from.email, name: message.from.name)
        subject = message.subject
        // SendGrid requires text/plain before text/html.
        content = [Content(type: "text/plain", value: message.text)]
        if let html = message.html {
            content.append(Content(type: "text/html", value: html))
        }
    }
}

/// SendGrid's error body: `{"errors":[{"message":"…","field":"…","help":"…"}]}`.
struct SendGridErrorResponse: Decodable {
    struct Entry: Decodable {
        var message: String?
    }

    var errors: [Entry]

    /// The error messages joined with `; `, or a short excerpt of a body that is not SendGrid JSON.
    static func messages(in body: ByteBuffer) -> String {
        let data = Data(body.readableBytesView)
        if let decoded = try? JSONDecoder().decode(Self.self, from: data) {
            return decoded.errors.compactMap(\.message).joined(separator: "; ")
        }
        return String(decoding: data.prefix(200), as: UTF8.self)
    }
}
