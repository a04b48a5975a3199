import Foundation

/// Which mail transport Agnes uses and the sender address, decoded once from the environment.
///
/// ```swift
/// if let mail = MailConfiguration.from(environment: ProcessInfo.processInfo.environment) {
///     let sender = mail.makeSender()
///     try await sender.send(MailMessage(from: mail.from, to: [user], subject: "Hi", text: "…"))
/// }
/// ```
public struct MailConfiguration: Sendable, Hashable {
    /// A transport and its settings.
    public enum Transport: Sendable, Hashable {
        /// SendGrid's HTTP API with this key.
        case sendGrid(apiKey: String, baseURL: String)
        /// An SMTP server.
        case smtp(SMTPConfiguration)
    }

    /// The address used when the environment names none.
    public static let defaultFrom = MailAddress("noreply@localhost")

    /// The transport.
    public var transport: Transport
    /// The `From` address for Agnes's mail.
    public var from: MailAddress

    /// Creates a configuration.
    public init(transport: Transport, from: MailAddress) {
        self.transport = transport
        self.from = from
    }

    /// Reads REFERENCE §1.1's variables: SendGrid when `SENDGRID_API_KEY` is set (sender
    /// `EMAIL_FROM_ADDRESS`), else SMTP when `SMTP_HOST` is set (`SMTP_PORT`, default 587; login when
    /// `SMTP_USER` is set, with `SMTP_PASSWORD`; sender `SMTP_FROM`), else `nil`: no delivery configured.
    ///
    /// `SMTP_USE_TLS` keeps the original's meaning: TLS unless it is set to something other than `true`
    /// (then plain text, for a trusted local relay). With TLS, port 465 speaks TLS from the first byte
    /// and every other port upgrades with STARTTLS, which the server must then offer.
    public static func from(environment: [String: String]) -> MailConfiguration? {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
                return nil
            }
            return raw
        }
        if let apiKey = value("SENDGRID_API_KEY") {
            let from = value("EMAIL_FROM_ADDRESS").map { MailAddress($0) } ?? defaultFrom
            return MailConfiguration(
                transport: .sendGrid(apiKey: apiKey, baseURL: SendGridMailSender.defaultBaseURL),
                from: from
            )
        }
        guard let host = value("SMTP_HOST") else {
            return nil
        }
        var smtp = SMTPConfiguration(host: host, port: value("SMTP_PORT").flatMap { Int($0) } ?? 587)
        if (value("SMTP_USE_TLS")?.lowercased() ?? "true") != "true" {
            smtp.security = .plaintext
        } else {
            smtp.security = smtp.port == 465 ? .implicitTLS : .startTLS
        }
        if let user = value("SMTP_USER") {
            smtp.credentials = .init(user: user, password: environment["SMTP_PASSWORD"] ?? "")
        }
        let from = value("SMTP_FROM").map { MailAddress($0) } ?? defaultFrom
        return MailConfiguration(transport: .smtp(smtp), from: from)
    }

    /// The sender for this configuration.
    public func makeSender() -> any MailSender {
        switch transport {
        case .sendGrid(let apiKey, let baseURL):
            SendGridMailSender(apiKey: apiKey, baseURL: baseURL)
        case .smtp(let configuration):
            SMTPMailSender(configuration: configuration)
        }
    }
}

extension MailConfiguration: CustomStringConvertible {
    /// A summary without secrets, for start-up logs.
    public var description: String {
        switch transport {
        case .sendGrid:
            "SendGrid (from \(from.email))"
        case .smtp(let smtp):
            "SMTP \(smtp.host):\(smtp.port) \(smtp.security)"
                + (smtp.credentials.map { " as \($0.user)" } ?? "") + " (from \(from.email))"
        }
    }
}
