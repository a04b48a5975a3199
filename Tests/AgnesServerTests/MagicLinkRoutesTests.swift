import AgnesAuth
import AgnesCore
import AgnesMail
import AgnesServer
import AgnesStore
import AgnesTestSupport
import DuckDB
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct MagicLinkRoutesTests {
    static let sentMessage = "If this email is registered, you will receive a login link."

    static func sendLink(_ client: some TestClientProtocol, _ email: String) async throws -> [String: Any] {
        try await client.execute(
            uri: "/auth/email/send-link", method: .post, headers: JSONRequest.json,
            body: JSONRequest.body(["email": email])
        ) { response in
            #expect(response.status == .ok)
            return try ServerFixture.json(response.body)
        }
    }

    @Test func aMailedLinkSignsInOnceAndTheAnswerNeverTellsWhetherTheAccountExists() async throws {
        let mail = RecordingMailSender()
        let fixture = try await PasswordRoutesTests.fixture(mail)
        _ = try await fixture.user("ana@example.com", admin: true)
        try await fixture.application.test(.router) { client in
            let unknown = try await Self.sendLink(client, "nobody@example.com")
            let known = try await Self.sendLink(client, "ana@example.com")
            #expect(unknown as NSDictionary == known as NSDictionary)
            #expect(known as NSDictionary == ["message": Self.sentMessage] as NSDictionary)
            let messages = await fixture.mailed(mail)
            #expect(messages.count == 1 && messages[0].to.map(\.email) == ["ana@example.com"])
            let link = try #require(FormRequest.link(in: messages[0].text))
            #expect(link.path == "/auth/email/verify")
            let token = try #require(link.query("token"))
            let body = JSONRequest.body(["email": "ana@example.com", "token": token])
            try await client.execute(uri: "/auth/email/verify", method: .post, headers: JSONRequest.json, body: body) {
                response in
                #expect(response.status == .ok)
                let json = try ServerFixture.json(response.body)
                #expect(json["email"] as? String == "ana@example.com")
                #expect(json["role"] as? String == "admin")
                #expect(json["token_type"] as? String == "bearer")
                let session = try #require(json["access_token"] as? String)
                try await client.execute(uri: "/auth/tokens", method: .get, headers: JSONRequest.bearer(session)) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(uri: "/auth/email/verify", method: .post, headers: JSONRequest.json, body: body) {
                response in
                #expect(response.status == .unauthorized)
                #expect(ServerFixture.detail(response.body) == "Invalid or expired link")
            }
        }
    }

    @Test func anExpiredLinkAResetTokenAndAnotherAccountsLinkAreRefused() async throws {
        let mail = RecordingMailSender()
        let fixture = try await PasswordRoutesTests.fixture(mail)
        _ = try await fixture.user("ana@example.com")
        _ = try await fixture.user("bob@example.com")
        try await fixture.application.test(.router) { client in
            // A password-reset token is not a sign-in link.
            try await client.execute(
                uri: "/auth/password/reset", method: .post, headers: FormRequest.headers,
                body: FormRequest.body([("email", "ana@example.com")])
            ) { #expect($0.status == .ok) }
            let resetToken = try #require(
                FormRequest.link(in: await fixture.mailed(mail)[0].text)?.query("token"))
            try await Self.expectRefused(client, email: "ana@example.com", token: resetToken)

            // A link of one account does not sign in another.
            _ = try await Self.sendLink(client, "bob@example.com")
            let bobToken = try #require(FormRequest.link(in: await fixture.mailed(mail)[1].text)?.query("token"))
            try await Self.expectRefused(client, email: "ana@example.com", token: bobToken)

            // A link older than an hour.
            _ = try await Self.sendLink(client, "ana@example.com")
            let anaToken = try #require(FormRequest.link(in: await fixture.mailed(mail)[2].text)?.query("token"))
            try await fixture.services.store.write { connection in
                try connection.run(
                    "UPDATE users SET reset_token_created = ? WHERE email = ?",
                    [.optional(Date().addingTimeInterval(-3700)), .varchar("ana@example.com")])
            }
            try await Self.expectRefused(client, email: "ana@example.com", token: anaToken)
            try await Self.expectRefused(client, email: "ana@example.com", token: "")
        }
    }

    static func expectRefused(_ client: some TestClientProtocol, email: String, token: String) async throws {
        try await client.execute(
            uri: "/auth/email/verify", method: .post, headers: JSONRequest.json,
            body: JSONRequest.body(["email": email, "token": token])
        ) { response in
            #expect(response.status == .unauthorized)
            #expect(ServerFixture.detail(response.body) == "Invalid or expired link")
        }
    }

    /// The mailed link shows a button and burns nothing; its form post signs in (once), and only from
    /// our own page: a foreign page cannot sign a victim's browser into the attacker's account.
    @Test func theEmailedLinkSignsInThroughItsOwnFormOnly() async throws {
        let mail = RecordingMailSender()
        let fixture = try await PasswordRoutesTests.fixture(mail)
        _ = try await fixture.user("ana@example.com")
        try await fixture.application.test(.router) { client in
            _ = try await Self.sendLink(client, "ana@example.com")
            let link = try #require(FormRequest.link(in: await fixture.mailed(mail)[0].text))
            let uri = "\(link.path)?\(link.percentEncodedQuery ?? "")"
            for _ in 0..<2 {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(FormRequest.sessionCookie(response.headers) == nil)
                    #expect(String(buffer: response.body).contains(#"action="/auth/email/verify/confirm""#))
                }
            }
            let form = FormRequest.body([("email", "ana@example.com"), ("token", try #require(link.query("token")))])
            var crossSite = FormRequest.headers
            crossSite[.origin] = "https://evil.example"
            try await client.execute(uri: "/auth/email/verify/confirm", method: .post, headers: crossSite, body: form) {
                response in
                #expect(response.status == .forbidden)
                #expect(FormRequest.sessionCookie(response.headers) == nil)
            }
            var sameSite = FormRequest.headers
            sameSite[.origin] = "http://localhost"
            try await client.execute(uri: "/auth/email/verify/confirm", method: .post, headers: sameSite, body: form) {
                response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/dashboard")
                #expect(FormRequest.sessionCookie(response.headers) != nil)
            }
            try await client.execute(uri: "/auth/email/verify/confirm", method: .post, headers: sameSite, body: form) {
                response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/login/email?error=invalid_link")
                #expect(FormRequest.sessionCookie(response.headers) == nil)
            }
            try await client.execute(uri: "/auth/email/verify?email=ana%40example.com", method: .get) { response in
                #expect(response.headers[.location] == "/login/email?error=invalid_link")
            }
        }
    }

    @Test func aDeactivatedAccountGetsNoLink() async throws {
        let mail = RecordingMailSender()
        let fixture = try await PasswordRoutesTests.fixture(mail)
        _ = try await fixture.user("gone@example.com", active: false)
        try await fixture.application.test(.router) { client in
            let answer = try await Self.sendLink(client, "gone@example.com")
            #expect(answer["message"] as? String == Self.sentMessage)
        }
        #expect(await fixture.mailed(mail).isEmpty)
    }

    @Test func localDevModeReturnsTheLinkAndSaysWhyNoMailWentOut() async throws {
        let fixture = try await ServerFixture(
            settings: { AgnesSettings(dataDir: $0, isLocalDevMode: true) }, hasher: PasswordHasher(cost: 4))
        _ = try await fixture.user("ana@example.com")
        try await fixture.application.test(.router) { client in
            let answer = try await Self.sendLink(client, "ana@example.com")
            #expect(answer["send_error"] as? String == "no mail transport is configured")
            let link = try #require((answer["dev_link"] as? String).flatMap(URLComponents.init(string:)))
            #expect(link.host == "localhost")
            try await client.execute(
                uri: "/auth/email/verify", method: .post, headers: JSONRequest.json,
                body: JSONRequest.body(["email": "ana@example.com", "token": link.query("token")])
            ) { #expect($0.status == .ok) }
            let unknown = try await Self.sendLink(client, "nobody@example.com")
            #expect(unknown["dev_link"] == nil)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aLinkMailedOverRealSMTPSignsIn() async throws {
        try await SMTPTestServer.withServer(mode: .plain) { server, _ in
            let sender = SMTPMailSender(
                configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port, security: .plaintext))
            let fixture = try await ServerFixture(
                settings: { AgnesSettings(dataDir: $0, serverURL: URL(string: "https://agnes.example.com/")) },
                hasher: PasswordHasher(cost: 4), mailer: Mailer(sender: sender, from: "agnes@example.com"))
            _ = try await fixture.user("ana@example.com")
            try await fixture.application.test(.router) { client in
                _ = try await Self.sendLink(client, "ana@example.com")
                await fixture.services.background.idle()  // the SMTP transaction has completed
                let message = try #require(try server.received().first)
                #expect(message.rcptTos == ["ana@example.com"])
                #expect(message.headers["subject"] == "Your Agnes sign-in link")
                let link = try #require(FormRequest.link(in: message.text ?? ""))
                #expect(link.scheme == "https" && link.host == "agnes.example.com")
                try await client.execute(
                    uri: "/auth/email/verify", method: .post, headers: JSONRequest.json,
                    body: JSONRequest.body(["email": link.query("email"), "token": link.query("token")])
                ) { #expect($0.status == .ok) }
            }
        }
    }
}
