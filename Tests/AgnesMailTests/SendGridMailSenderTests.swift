import AgnesMail
import Foundation
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SendGridMailSenderTests {
    /// The parts of SendGrid's v3 body the fake receives, decoded to compare as values.
    struct Body: Decodable, Equatable {
        struct Address: Decodable, Equatable {
            var email: String
            var name: String?
        }
        struct Personalization: Decodable, Equatable { var to: [Address] }
        struct Content: Decodable, Equatable {
            var type: String
            var value: String
        }
        var personalizations: [Personalization]
        var from: Address
        var subject: String
        var content: [Content]
    }

    @Test func postsTheV3BodyWithTheBearerKey() async throws {
        let fake = FakeSendGrid()
        let message = MailMessage(
            from: MailAddress("agnes@example.com", name: "Agnes"),
            to: ["ana@example.com"],
            subject: "Přihlášení",
            text: SMTPMailSenderTests.text,
            html: "<p>hi</p>"
        )
        try await fake.run { baseURL in
            try await SendGridMailSender(apiKey: FakeSendGrid.apiKey, baseURL: baseURL).send(message)
        }
        let body = try JSONDecoder().decode(Body.self, from: try #require(fake.received.first))
        #expect(
            body
                == Body(
                    personalizations: [.init(to: [.init(email: "ana@example.com")])],
                    from: .init(email: "agnes@example.com", name: "Agnes"),
                    subject: "Přihlášení",
                    content: [
                        .init(type: "text/plain", value: SMTPMailSenderTests.text),
                        .init(type: "text/html", value: "<p>hi</p>"),
                    ]
                )
        )
    }

    @Test func unauthorizedCarriesStatusAndSendGridsMessage() async throws {
        let fake = FakeSendGrid()
        try await fake.run { baseURL in
            let sender = SendGridMailSender(apiKey: "SG.wrong-key", baseURL: baseURL)
            let error = try await #require(throws: MailError.self) {
                try await sender.send(SMTPMailSenderTests.message())
            }
            #expect(error.code == .authenticationFailed)
            #expect(error.status == 401)
            #expect(error.message.contains("authorization grant is invalid"))
            #expect(!error.description.contains("wrong-key"))
        }
        #expect(fake.received.isEmpty)
    }

    @Test func unreachableAPIIsAConnectionError() async throws {
        let port = try await SMTPMailSenderErrorTests.closedPort()
        // AsyncHTTPClient retries a refused connection until the deadline, so keep it short.
        let sender = SendGridMailSender(
            apiKey: FakeSendGrid.apiKey,
            baseURL: "http://127.0.0.1:\(port)",
            timeout: .seconds(1)
        )
        let error = try await #require(throws: MailError.self) { try await sender.send(SMTPMailSenderTests.message()) }
        #expect(error.code == .connectionFailed)
    }
}
