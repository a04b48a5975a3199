/// The one error type of AgnesMail: a code to switch on, a message for humans and an optional cause.
///
/// Messages quote server replies and statuses, never passwords or API keys.
public struct MailError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; extensible, so new codes are not source-breaking.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// The message itself is unusable (no recipients, malformed address).
        public static let invalidMessage = Code(name: "invalidMessage")
        /// A header value contained CR or LF.
        public static let headerInjection = Code(name: "headerInjection")
        /// The server could not be reached or the connection dropped.
        public static let connectionFailed = Code(name: "connectionFailed")
        /// Connecting or waiting for a reply took longer than the configured timeout.
        public static let timeout = Code(name: "timeout")
        /// The TLS handshake failed, for example on an untrusted certificate.
        public static let tlsFailed = Code(name: "tlsFailed")
        /// The server refused the credentials.
        public static let authenticationFailed = Code(name: "authenticationFailed")
        /// The server refused a step of the delivery (sender, recipient, data).
        public static let rejected = Code(name: "rejected")
        /// The server said something this client does not understand.
        public static let protocolError = Code(name: "protocolError")

        /// The code's name.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A description for logs and operators.
    public var message: String
    /// The SMTP reply code or HTTP status that caused the failure, when there was one.
    public var status: Int?
    /// The underlying error, when there was one.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, status: Int? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.cause = cause
    }

    /// `code: message`, followed by the cause when there is one.
    public var description: String {
        var text = "\(code): \(message)"
        if let cause {
            text += " (cause: \(String(describing: cause)))"
        }
        return text
    }
}
