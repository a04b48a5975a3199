import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers mail to an SMTP server over SwiftNIO: `EHLO`, `STARTTLS` or implicit TLS, `AUTH PLAIN` or
/// `AUTH LOGIN`, then `MAIL FROM`, `RCPT TO`, `DATA` and `QUIT`, one connection per message.
///
/// ```swift
/// let sender = SMTPMailSender(configuration: SMTPConfiguration(
///     host: "smtp.example.com",
///     credentials: .init(user: "agnes", password: secret)
/// ))
/// try await sender.send(message)
/// ```
public struct SMTPMailSender: MailSender {
    /// Where and how to deliver.
    public let configuration: SMTPConfiguration
    /// The TLS context, or why it could not be made (reported by ``send(_:)``); nil for plain text.
    let tlsContext: Result<NIOSSLContext, MailError>?
    let group: any EventLoopGroup
    let logger: Logger

    /// Creates a sender, loading the trusted CA file now; a file that cannot be loaded makes every
    /// ``send(_:)`` fail with ``MailError/Code/tlsFailed``.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "agnes.mail.smtp")
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
        self.tlsContext = configuration.security == .plaintext ? nil : Self.makeTLSContext(configuration)
    }

    private static func makeTLSContext(_ configuration: SMTPConfiguration) -> Result<NIOSSLContext, MailError> {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = configuration.trustedCAFile {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                return .failure(MailError(.tlsFailed, "Cannot load the trusted CA file \(caFile)", cause: error))
            }
        }
        do {
            return .success(try NIOSSLContext(configuration: tls))
        } catch {
            return .failure(MailError(.tlsFailed, "Cannot set up TLS", cause: error))
        }
    }

    /// Delivers `message` in one SMTP session.
    ///
    /// - Throws: ``MailError``: `invalidMessage`/`headerInjection` before connecting, then
    ///   `connectionFailed`, `timeout`, `tlsFailed`, `authenticationFailed` or `rejected` (with the reply).
    public func send(_ message: MailMessage) async throws {
        try message.validate()
        let timeout = TimeAmount(configuration.timeout)
        var implicitTLS: (context: NIOSSLContext, serverHostname: String?)?
        if configuration.security == .implicitTLS {
            implicitTLS = try tlsParameters()
        }
        let connection = try await SMTPConnection.connect(
            host: configuration.host,
            port: configuration.port,
            tls: implicitTLS,
            timeout: timeout,
            group: group
        )
        var logger = logger
        logger[metadataKey: "smtp.server"] = "\(configuration.host):\(configuration.port)"
        do {
            try await deliver(message, over: connection)
            logger.debug("Mail delivered", metadata: ["recipients": "\(message.to.count)"])
            await connection.quit()
        } catch {
            logger.warning("Mail delivery failed", metadata: ["error": "\(error)"])
            await connection.close()
            throw error
        }
    }

    private func deliver(_ message: MailMessage, over connection: SMTPConnection) async throws(MailError) {
        try expect(await connection.receive(), 220, step: "greeting")
        var capabilities = try await hello(connection)
        if configuration.security == .startTLS {
            guard capabilities.contains("STARTTLS") else {
                throw MailError(.tlsFailed, "The SMTP server does not offer STARTTLS")
            }
            try expect(await connection.send("STARTTLS"), 220, step: "STARTTLS")
            let tls = try tlsParameters()
            try await connection.startTLS(context: tls.context, serverHostname: tls.serverHostname)
            capabilities = try await hello(connection)
        }
        if let credentials = configuration.credentials {
            try await authenticate(credentials, capabilities: capabilities, over: connection)
        }
        try expect(await connection.send("MAIL FROM:<\(message.from.email)>"), 250, step: "MAIL FROM")
        for recipient in message.to {
            try expect(await connection.send("RCPT TO:<\(recipient.email)>"), 250, 251, step: "RCPT TO")
        }
        try expect(await connection.send("DATA"), 354, step: "DATA")
        let text = message.mimeText(
            date: Date(),
            messageID: message.makeMessageID(),
            boundary: "=_agnes_\(UUID().uuidString.lowercased())",
            bodyEncoding: configuration.bodyEncoding
        )
        let payload = connection.channel.allocator.buffer(string: Self.dotStuffed(text) + ".\r\n")
        try expect(await connection.send(bytes: payload), 250, step: "message data")
    }

    /// Sends `EHLO` and returns the upper-cased capability keywords (`STARTTLS`, `AUTH`, …) and
    /// `AUTH PLAIN`-style entries for each advertised mechanism.
    private func hello(_ connection: SMTPConnection) async throws(MailError) -> Set<String> {
        let reply = try await connection.send("EHLO \(configuration.localHostname)")
        try expect(reply, 250, step: "EHLO")
        var capabilities: Set<String> = []
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            capabilities.insert(keyword)
            if keyword == "AUTH" || keyword == "AUTH=" {
                for mechanism in words.dropFirst() {
                    capabilities.insert("AUTH \(mechanism)")
                }
            }
        }
        return capabilities
    }

    private func tlsParameters() throws(MailError) -> (context: NIOSSLContext, serverHostname: String?) {
        guard let tlsContext else {
            throw MailError(.tlsFailed, "TLS is not configured")
        }
        let context = try tlsContext.get()
        // SNI must not carry an IP address; NIOSSL then checks the certificate against the peer's IP.
        let isIPAddress = (try? SocketAddress(ipAddress: configuration.host, port: 0)) != nil
        return (context, isIPAddress ? nil : configuration.host)
    }

    /// Doubles a leading `.` on every line (RFC 5321 §4.5.2), so no line ends the DATA early.
    static func dotStuffed(_ text: String) -> String {
        var result = text.hasPrefix(".") ? "." : ""
        result += text.replacingOccurrences(of: "\r\n.", with: "\r\n..")
        return result
    }
}

extension SMTPMailSender {
    /// Throws ``MailError`` with code `rejected` unless the reply code is one of `accepted`.
    func expect(_ reply: SMTPReply, _ accepted: Int..., step: String) throws(MailError) {
        guard accepted.contains(reply.code) else {
            throw MailError(.rejected, "The SMTP server refused \(step): \(reply)", status: reply.code)
        }
    }
}
