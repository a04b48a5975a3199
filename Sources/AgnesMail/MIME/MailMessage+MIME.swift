import Foundation

/// How body parts are encoded for transfer; both keep every byte of UTF-8 text intact over 7-bit SMTP.
public enum MailBodyEncoding: Sendable, Hashable {
    /// Quoted-printable: readable ASCII, escaped `=` and non-ASCII bytes.
    case quotedPrintable
    /// Base64 lines of 76 characters.
    case base64

    var headerValue: String {
        switch self {
        case .quotedPrintable: "quoted-printable"
        case .base64: "base64"
        }
    }

    func encode(_ text: String) -> String {
        switch self {
        case .quotedPrintable: QuotedPrintable.encode(text)
        case .base64: Base64.encodeBody(text)
        }
    }
}

extension MailMessage {
    /// The RFC 5322 / MIME form of the message with CRLF line endings, before SMTP dot-stuffing.
    ///
    /// Call ``validate()`` first: this assumes header values hold no line breaks.
    func mimeText(
        date: Date,
        messageID: String,
        boundary: String,
        bodyEncoding: MailBodyEncoding
    ) -> String {
        var headers = [
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: \(messageID)",
            "From: \(from.headerValue)",
            "To: \(to.map(\.headerValue).joined(separator: ",\r\n "))",
            "Subject: \(EncodedWord.encodeIfNeeded(subject))",
            "MIME-Version: 1.0",
        ]
        let body: String
        if let html {
            headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            body = [
                "--\(boundary)",
                Self.part(text, type: "text/plain", encoding: bodyEncoding),
                "--\(boundary)",
                Self.part(html, type: "text/html", encoding: bodyEncoding),
                "--\(boundary)--",
            ].joined(separator: "\r\n")
        } else {
            headers.append("Content-Type: text/plain; charset=utf-8")
            headers.append("Content-Transfer-Encoding: \(bodyEncoding.headerValue)")
            body = bodyEncoding.encode(text)
        }
        // The CRLF that ends the last line is the message's own; another would add an empty line.
        let ending = body.hasSuffix("\r\n") ? "" : "\r\n"
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + ending
    }

    /// A fresh `<uuid@domain>` identifier in the sender's domain.
    func makeMessageID() -> String {
        let domain = from.email.split(separator: "@").last.map(String.init) ?? "localhost"
        return "<\(UUID().uuidString.lowercased())@\(domain)>"
    }

    private static func part(_ content: String, type: String, encoding: MailBodyEncoding) -> String {
        "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: \(encoding.headerValue)\r\n\r\n"
            + encoding.encode(content)
    }

    /// `Tue, 01 Jul 2025 09:05:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}

extension MailAddress {
    /// `email`, or `"Name" <email>` with the name quoted or RFC 2047-encoded.
    var headerValue: String {
        guard let name, !name.isEmpty else {
            return email
        }
        let encoded = EncodedWord.encodeIfNeeded(name)
        if encoded != name {
            return "\(encoded) <\(email)>"
        }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\" <\(email)>"
    }
}
