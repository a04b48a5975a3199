/// Something that delivers email: ``SMTPMailSender``, ``SendGridMailSender`` or a test double.
public protocol MailSender: Sendable {
    /// Delivers `message`, returning once the transport has accepted it.
    ///
    /// - Throws: ``MailError`` when the message is invalid or the transport refuses or fails.
    func send(_ message: MailMessage) async throws
}
