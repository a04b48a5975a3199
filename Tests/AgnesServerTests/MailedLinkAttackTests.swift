import AgnesAuth
import AgnesCore
import AgnesMail
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The attacks on mailed links: a forged `Host` header steering a victim's reset link to the attacker's
/// host, and answer timing telling which addresses have accounts.
@Suite struct MailedLinkAttackTests {
    static let publicURL = URL(string: "https://agnes.example.com")!

    static func fixture(_ mail: RecordingMailSender) async throws -> ServerFixture {
        try await ServerFixture(
            settings: { AgnesSettings(dataDir: $0, serverURL: Self.publicURL) }, hasher: PasswordHasher(cost: 4),
            mailer: mail.mailer)
    }

    @Test func mailWithoutAPublicURLRefusesToStart() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-mail-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (environment, mailer) in [
            ([:], RecordingMailSender().mailer), (["SMTP_HOST": "mail.example.com"], nil),
            (["SENDGRID_API_KEY": "SG.key", "EMAIL_FROM_ADDRESS": "agnes@example.com"], nil),
        ] as [([String: String], Mailer?)] {
            let error = await #expect(throws: ConfigError.self) {
                _ = try await AgnesServices.open(
                    settings: AgnesSettings(dataDir: root.path, environment: environment), logger: Logger(label: "t"),
                    passwordHasher: PasswordHasher(cost: 4), mailer: mailer)
            }
            #expect(error?.message.contains("SERVER_URL is not set") == true)
        }
    }

    /// The link-mailing routes, each with what makes it mail `ana@example.com` (who has no password,
    /// so the setup request mails her too) and the path its link must have.
    static let routes: [(name: String, path: String, linkPath: String)] = [
        ("reset", "/auth/password/reset", "/auth/password/reset"),
        ("magic", "/auth/email/send-link", "/auth/email/verify"),
        ("setup", "/auth/password/setup/request", "/auth/password/setup"),
        ("admin reset", "/api/users/{id}/reset-password", "/auth/password/reset"),
        ("admin invite", "/api/users", "/auth/password/setup"),
    ]

    @Test(arguments: ["evil.example", "agnes.example.com@evil.example", "agnes.example.com:443@evil.example:80"])
    func aForgedHostNeverReachesAMailedLink(host: String) async throws {
        let mail = RecordingMailSender()
        let fixture = try await Self.fixture(mail)
        let victim = try await fixture.user("ana@example.com", password: nil)
        let admin = try await fixture.session(try await fixture.user("root@example.com", admin: true))
        try await fixture.application.test(.live) { client in
            let port = try #require(client.port)
            for route in Self.routes {
                var headers = ["Host: \(host)", "Connection: close"]
                let body: String
                switch route.name {
                case "reset", "setup":
                    headers.append("Content-Type: application/x-www-form-urlencoded")
                    body = "email=ana%40example.com"
                case "magic":
                    headers.append("Content-Type: application/json")
                    body = #"{"email":"ana@example.com"}"#
                case "admin reset":
                    headers.append("Authorization: Bearer \(admin)")
                    body = ""
                default:
                    headers += ["Authorization: Bearer \(admin)", "Content-Type: application/json"]
                    body = #"{"email":"new-\#(UUID().uuidString.prefix(6).lowercased())@example.com","name":"New","send_invite":true}"#
                }
                let socket = try RawSocket(port: port)
                socket.request("POST", route.path.replacingOccurrences(of: "{id}", with: victim), headers: headers, body: body)
                let response = try await socket.response()
                #expect(response.status < 300, "\(route.name) answered \(response.status) \(response.body)")
                let message = try #require(await fixture.mailed(mail).last, "\(route.name) mailed nothing")
                let link = try #require(FormRequest.link(in: message.text))
                #expect(link.scheme == "https" && link.host == "agnes.example.com" && link.user == nil, "\(route.name)")
                #expect(link.path == route.linkPath)
                #expect(!message.text.contains("evil"), "\(route.name) mailed \(message.text)")
            }
        }
        #expect(mail.sent.count == Self.routes.count)
    }

    /// What the answer to "mail me a link" waits for must not depend on the address: the lookup, the
    /// token write, the audit row and the mail all come after it. Observed by holding the background
    /// work: at the moment of the answer nothing has been written for the real account.
    @Test(arguments: [
        ("/auth/password/reset", false), ("/auth/email/send-link", true), ("/auth/password/setup/request", false),
    ])
    func aKnownAddressIsAnsweredBeforeAnyAccountWork(path: String, json: Bool) async throws {
        let mail = RecordingMailSender()
        let fixture = try await Self.fixture(mail)
        let id = try await fixture.user("ana@example.com", password: nil)
        let users = DuckDBUserRepository(store: fixture.services.store)
        fixture.services.background.hold()
        try await fixture.application.test(.router) { client in
            var answers: [String] = []
            for email in ["ana@example.com", "nobody@example.com"] {
                let writesBefore = fixture.services.store.writeCount
                try await client.execute(
                    uri: path, method: .post, headers: json ? JSONRequest.json : FormRequest.headers,
                    body: json ? JSONRequest.body(["email": email]) : FormRequest.body([("email", email)])
                ) { response in
                    #expect(response.status == .ok)
                    answers.append(String(buffer: response.body))
                }
                #expect(fixture.services.store.writeCount == writesBefore, "\(email): the store was written before the answer")
            }
            #expect(answers[0] == answers[1])
        }
        let held = try #require(try await users.find(id: id))
        #expect(held.resetToken == nil && held.setupToken == nil)
        #expect(fixture.services.background.runningCount == 2)
        fixture.services.background.release()
        let messages = await fixture.mailed(mail)
        #expect(messages.map { $0.to.map(\.email) } == [["ana@example.com"]])
        let after = try #require(try await users.find(id: id))
        #expect(after.resetToken != nil || after.setupToken != nil)
    }

    /// A wrong setup token costs the same store work whether or not the account exists: nothing is
    /// looked up by address first, and a guess is answered by reads alone (the original wrote for real
    /// accounts only).
    @Test func aSetupTokenGuessWritesNothingForUnknownOrKnownAddresses() async throws {
        let fixture = try await Self.fixture(RecordingMailSender())
        _ = try await fixture.user("ana@example.com", password: nil)
        try await fixture.application.test(.router) { client in
            var writes: [Int] = []
            var details: [String?] = []
            for email in ["ana@example.com", "nobody@example.com"] {
                let before = fixture.services.store.writeCount
                try await client.execute(
                    uri: "/auth/password/setup", method: .post, headers: JSONRequest.json,
                    body: JSONRequest.body(["email": email, "token": "guess", "password": "password123"])
                ) { response in
                    #expect(response.status == .badRequest)
                    details.append(ServerFixture.detail(response.body))
                }
                writes.append(fixture.services.store.writeCount - before)
            }
            #expect(details == ["Invalid setup token", "Invalid setup token"])
            #expect(writes == [0, 0])
        }
    }
}
