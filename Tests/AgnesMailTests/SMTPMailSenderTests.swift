import AgnesMail
import AgnesTestSupport
import Foundation
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SMTPMailSenderTests {
    static let link = "https://agnes.example.com/auth/email/verify?email=ana%40example.com&token=a=b&c=d"
    static let text =
        "Hello Ana,\n\nOpen \(link) to sign in.\n.a line that starts with a dot\n..and two\nŽluťoučký kůň.\n"

    static func message(html: String? = nil) -> MailMessage {
        MailMessage(
            from: MailAddress("agnes@example.com", name: "Agnes"),
            to: ["ana@example.com", MailAddress("bob@example.com", name: "Bob Ová")],
            subject: "Přihlášení do Agnes ✓",
            text: text,
            html: html
        )
    }

    static func sender(
        port: Int,
        security: SMTPConfiguration.Security,
        certificate: TestCertificate? = nil,
        credentials: SMTPConfiguration.Credentials? = nil,
        bodyEncoding: MailBodyEncoding = .quotedPrintable,
        timeout: Duration = .seconds(5)
    ) -> SMTPMailSender {
        SMTPMailSender(
            configuration: SMTPConfiguration(
                host: "127.0.0.1",
                port: port,
                security: security,
                credentials: credentials,
                trustedCAFile: certificate?.certificate.path,
                timeout: timeout,
                bodyEncoding: bodyEncoding
            )
        )
    }

    @Test(arguments: [MailBodyEncoding.quotedPrintable, .base64])
    func deliversOverSTARTTLSWithAuthPlain(encoding: MailBodyEncoding) async throws {
        try await SMTPTestServer.withServer(mode: .starttls, auth: ("agnes", "s3cret")) { server, certificate in
            let credentials = SMTPConfiguration.Credentials(user: "agnes", password: "s3cret")
            let sender = Self.sender(
                port: server.port,
                security: .startTLS,
                certificate: certificate,
                credentials: credentials,
                bodyEncoding: encoding
            )
            try await sender.send(Self.message())

            let received = try server.received()
            let mail = try #require(received.first)
            #expect(received.count == 1)
            #expect(mail.usedTLS && mail.authenticated)
            #expect(mail.mailFrom == "agnes@example.com")
            #expect(Set(mail.rcptTos) == ["ana@example.com", "bob@example.com"])
            #expect(mail.headers["subject"] == "Přihlášení do Agnes ✓")
            #expect(mail.headers["from"] == "Agnes <agnes@example.com>")
            #expect(mail.headers["to"]?.contains("Bob Ová <bob@example.com>") == true)
            #expect(mail.headers["mime-version"] == "1.0")
            #expect(mail.headers["message-id"]?.hasSuffix("@example.com>") == true)
            #expect(mail.headers["date"] != nil)
            #expect(mail.contentType == "text/plain")
            #expect(mail.text?.replacingOccurrences(of: "\r\n", with: "\n") == Self.text)
            #expect(mail.text?.contains(Self.link) == true)
        }
    }

    @Test func deliversHTMLAlternativeOverImplicitTLS() async throws {
        let html = "<p>Open <a href=\"\(Self.link)\">this link</a></p>\n.<b>dot</b>\n"
        try await SMTPTestServer.withServer(mode: .implicit) { server, certificate in
            let sender = Self.sender(port: server.port, security: .implicitTLS, certificate: certificate)
            try await sender.send(Self.message(html: html))

            let mail = try #require(try server.received().first)
            #expect(mail.usedTLS)
            #expect(mail.contentType == "multipart/alternative")
            #expect(mail.text?.replacingOccurrences(of: "\r\n", with: "\n") == Self.text)
            #expect(mail.html?.replacingOccurrences(of: "\r\n", with: "\n") == html)
        }
    }

    @Test func logsInWithAuthLoginWhenPlainIsNotOffered() async throws {
        try await SMTPTestServer.withServer(mode: .starttls, auth: ("agnes", "s3cret"), loginOnly: true) {
            server,
            certificate in
            let credentials = SMTPConfiguration.Credentials(user: "agnes", password: "s3cret")
            let sender = Self.sender(
                port: server.port,
                security: .startTLS,
                certificate: certificate,
                credentials: credentials
            )
            try await sender.send(Self.message())
            #expect(try server.received().map(\.authenticated) == [true])
        }
    }
}
