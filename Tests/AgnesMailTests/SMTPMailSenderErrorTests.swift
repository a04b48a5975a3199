import AgnesMail
import AgnesTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SMTPMailSenderErrorTests {
    @Test func wrongPasswordNamesTheReplyNotThePassword() async throws {
        try await SMTPTestServer.withServer(mode: .starttls, auth: ("agnes", "s3cret")) { server, certificate in
            let credentials = SMTPConfiguration.Credentials(user: "agnes", password: "hunter2-wrong")
            let sender = SMTPMailSenderTests.sender(
                port: server.port,
                security: .startTLS,
                certificate: certificate,
                credentials: credentials
            )
            let error = try await #require(throws: MailError.self) {
                try await sender.send(SMTPMailSenderTests.message())
            }
            #expect(error.code == .authenticationFailed)
            #expect(error.status == 535)
            #expect(error.message.contains("535"))
            #expect(!error.description.contains("hunter2"))
            #expect(try server.received().isEmpty)
        }
    }

    @Test func serverNotListeningIsAConnectionError() async throws {
        let port = try await Self.closedPort()
        let sender = SMTPMailSenderTests.sender(port: port, security: .plaintext)
        let error = try await #require(throws: MailError.self) {
            try await sender.send(SMTPMailSenderTests.message())
        }
        #expect(error.code == .connectionFailed)
    }

    @Test func rejectedRecipientCarriesTheReply() async throws {
        try await SMTPTestServer.withServer(rejectRecipients: true) { server, _ in
            let sender = SMTPMailSenderTests.sender(port: server.port, security: .plaintext)
            let error = try await #require(throws: MailError.self) {
                try await sender.send(SMTPMailSenderTests.message())
            }
            #expect(error.code == .rejected)
            #expect(error.status == 550)
            #expect(error.message.contains("RCPT TO") && error.message.contains("No such user"))
        }
    }

    @Test func untrustedCertificateFailsTLS() async throws {
        try await SMTPTestServer.withServer(mode: .starttls) { server, _ in
            // No trusted CA file: the system trust store does not know the self-signed certificate.
            let sender = SMTPMailSenderTests.sender(port: server.port, security: .startTLS)
            let error = try await #require(throws: MailError.self) {
                try await sender.send(SMTPMailSenderTests.message())
            }
            #expect(error.code == .tlsFailed)
            #expect(try server.received().isEmpty)
        }
    }

    @Test func startTLSIsRequiredWhenConfigured() async throws {
        try await SMTPTestServer.withServer { server, _ in
            let sender = SMTPMailSenderTests.sender(port: server.port, security: .startTLS)
            let error = try await #require(throws: MailError.self) {
                try await sender.send(SMTPMailSenderTests.message())
            }
            #expect(error.code == .tlsFailed)
        }
    }

    @Test(arguments: [
        MailMessage(from: "a@example.com", to: ["b@example.com"], subject: "Hi\r\nBcc: c@example.com", text: "x"),
        MailMessage(from: "a@example.com", to: ["b@example.com\nBcc: c@example.com"], subject: "Hi", text: "x"),
        MailMessage(
            from: MailAddress("a@example.com", name: "A\rBcc: c@example.com"),
            to: ["b@example.com"],
            subject: "Hi",
            text: "x"
        ),
    ])
    func headerInjectionIsRejectedBeforeConnecting(message: MailMessage) async throws {
        let sender = SMTPMailSenderTests.sender(port: try await Self.closedPort(), security: .plaintext)
        let error = try await #require(throws: MailError.self) { try await sender.send(message) }
        #expect(error.code == .headerInjection)
    }

    @Test func silentServerTimesOut() async throws {
        // Accepts connections and never says a word.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let sender = SMTPMailSenderTests.sender(port: port, security: .plaintext, timeout: .milliseconds(300))
        let error = await #expect(throws: MailError.self) { try await sender.send(SMTPMailSenderTests.message()) }
        try await server.close()
        #expect(error?.code == .timeout)
    }

    /// A port that was free a moment ago: bound, then closed.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }
}
