import AgnesMail
import Logging

/// A configured mail transport and the address Agnes sends from.
public struct Mailer: Sendable {
    /// The transport.
    public let sender: any MailSender
    /// The `From` address.
    public let from: MailAddress

    /// Creates a mailer.
    public init(sender: any MailSender, from: MailAddress) {
        self.sender = sender
        self.from = from
    }

    /// Sends a plain-text message to one recipient; returns whether the transport accepted it.
    /// Failures are logged (never with the body, which carries a sign-in link) and never thrown:
    /// an answer must not tell whether mail went out.
    @discardableResult
    func send(to email: String, subject: String, text: String, logger: Logger) async -> Bool {
        do {
            try await sender.send(MailMessage(from: from, to: [MailAddress(email)], subject: subject, text: text))
            return true
        } catch {
            logger.error("mail delivery failed", metadata: ["subject": "\(subject)", "error": "\(error)"])
            return false
        }
    }
}
