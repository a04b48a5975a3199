/// An email to send: one sender, one or more recipients, a plain-text body and an optional HTML body.
///
/// ```swift
/// let message = MailMessage(
///     from: MailAddress("agnes@example.com", name: "Agnes"),
///     to: ["analyst@example.com"],
///     subject: "Your login link",
///     text: "Open https://agnes.example.com/auth/email/verify?email=a%40b.c&token=t"
/// )
/// try await sender.send(message)
/// ```
public struct MailMessage: Sendable, Hashable {
    /// The sender, used for the `From` header and the SMTP envelope.
    public var from: MailAddress
    /// The recipients, each in the `To` header and the SMTP envelope.
    public var to: [MailAddress]
    /// The subject line; any Unicode text without line breaks.
    public var subject: String
    /// The plain-text body.
    public var text: String
    /// An optional HTML alternative to ``text``.
    public var html: String?

    /// Creates a message.
    public init(from: MailAddress, to: [MailAddress], subject: String, text: String, html: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// An email address with an optional display name.
public struct MailAddress: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The address itself, such as `analyst@example.com`.
    public var email: String
    /// The display name shown by mail clients, such as `Agnes`.
    public var name: String?

    /// Creates an address.
    public init(_ email: String, name: String? = nil) {
        self.email = email
        self.name = name
    }

    /// Creates an address without a display name from a literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }
}

extension MailMessage {
    /// Checks that the message can be sent safely: at least one recipient, well-formed addresses and no
    /// CR or LF in any header value (which would let a caller inject headers or SMTP commands).
    func validate() throws(MailError) {
        guard !to.isEmpty else {
            throw MailError(.invalidMessage, "A message needs at least one recipient")
        }
        for address in [from] + to {
            try address.validate()
        }
        try Self.rejectLineBreaks(in: subject, field: "Subject")
    }

    static func rejectLineBreaks(in value: String, field: String) throws(MailError) {
        if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw MailError(.headerInjection, "The \(field) header must not contain line breaks")
        }
    }
}

extension MailAddress {
    func validate() throws(MailError) {
        try MailMessage.rejectLineBreaks(in: email, field: "address")
        if let name {
            try MailMessage.rejectLineBreaks(in: name, field: "display name")
        }
        let forbidden: Set<Unicode.Scalar> = ["<", ">", " ", "\t", ",", "\0"]
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !email.unicodeScalars.contains(where: { forbidden.contains($0) || $0.value < 0x20 })
        else {
            throw MailError(.invalidMessage, "Not a valid email address: \(email.debugDescription)")
        }
    }
}
