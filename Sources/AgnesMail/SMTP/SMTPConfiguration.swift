/// Where and how ``SMTPMailSender`` delivers: server, TLS mode, optional login, timeouts.
public struct SMTPConfiguration: Sendable, Hashable {
    /// How the connection is protected.
    public enum Security: Sendable, Hashable {
        /// Connect in plain text, then upgrade with `STARTTLS` (port 587 style); refuses servers without it.
        case startTLS
        /// TLS from the first byte (port 465 style).
        case implicitTLS
        /// No TLS at all; only for a trusted local relay.
        case plaintext
    }

    /// A login for `AUTH PLAIN` / `AUTH LOGIN`. Its description never shows the password.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible {
        /// The user name.
        public var user: String
        /// The password, sent only inside the TLS session (or in plain text for ``Security/plaintext``).
        public var password: String

        /// Creates credentials.
        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }

        /// `user (password redacted)`.
        public var description: String { "\(user) (password redacted)" }
    }

    /// The server's host name or IP address.
    public var host: String
    /// The server's port, usually 587 for ``Security/startTLS`` and 465 for ``Security/implicitTLS``.
    public var port: Int
    /// How the connection is protected.
    public var security: Security
    /// The login, when the server needs one.
    public var credentials: Credentials?
    /// A PEM file of CA certificates to trust instead of the system trust store (for tests and private CAs).
    public var trustedCAFile: String?
    /// The limit for connecting and for each reply.
    public var timeout: Duration
    /// The name this client gives in `EHLO`.
    public var localHostname: String
    /// How body parts are encoded.
    public var bodyEncoding: MailBodyEncoding

    /// Creates a configuration.
    public init(
        host: String,
        port: Int = 587,
        security: Security = .startTLS,
        credentials: Credentials? = nil,
        trustedCAFile: String? = nil,
        timeout: Duration = .seconds(30),
        localHostname: String = "localhost",
        bodyEncoding: MailBodyEncoding = .quotedPrintable
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.credentials = credentials
        self.trustedCAFile = trustedCAFile
        self.timeout = timeout
        self.localHostname = localHostname
        self.bodyEncoding = bodyEncoding
    }
}
