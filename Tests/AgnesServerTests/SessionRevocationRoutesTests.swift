import AgnesAuth
import AgnesCore
import AgnesMail
import AgnesServer
import AgnesStore
import AgnesTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Sessions end when they should: sign-out ends the token itself (a stolen copy stops working), and a
/// password reset, a deactivation or "sign out everywhere" end every older session.
@Suite struct SessionRevocationRoutesTests {
    static func accepted(_ client: some TestClientProtocol, _ token: String) async throws -> Bool {
        try await client.execute(uri: "/auth/tokens", method: .get, headers: JSONRequest.bearer(token)) {
            $0.status == .ok
        }
    }

    @Test func signOutEndsThatSessionEvenForACopyOfTheToken() async throws {
        let fixture = try await ServerFixture.fast()
        let id = try await fixture.user("ana@example.com")
        let signedOut = try await fixture.session(id)
        let otherBrowser = try await fixture.session(id)
        try await fixture.application.test(.router) { client in
            #expect(try await Self.accepted(client, signedOut))
            try await client.execute(
                uri: "/auth/logout", method: .post,
                headers: [.cookie: "access_token=\(signedOut)", .origin: "http://localhost"]
            ) { response in
                #expect(response.status == .found)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            #expect(try await !Self.accepted(client, signedOut))
            #expect(try await Self.accepted(client, otherBrowser))
        }
        // A restarted server still refuses it.
        let restarted = try await AgnesServices.open(
            settings: AgnesSettings(dataDir: fixture.root.path), logger: Logger(label: "t"),
            passwordHasher: PasswordHasher(cost: 4))
        let application = AgnesServer.application(services: restarted, host: "127.0.0.1", port: 0)
        try await application.test(.router) { client in
            let refused = try await Self.accepted(client, signedOut)
            let kept = try await Self.accepted(client, otherBrowser)
            #expect(!refused && kept)
        }
    }

    @Test func signOutEverywhereEndsEverySession() async throws {
        let fixture = try await ServerFixture.fast()
        let id = try await fixture.user("ana@example.com")
        let first = try await fixture.session(id)
        let second = try await fixture.session(id)
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/auth/logout/everywhere", method: .post, headers: JSONRequest.bearer(first)) {
                #expect($0.status == .found)
            }
            #expect(try await !Self.accepted(client, first))
            #expect(try await !Self.accepted(client, second))
            try await client.execute(uri: "/auth/logout/everywhere", method: .post) { response in
                #expect(response.status == .unauthorized)
                #expect(ServerFixture.detail(response.body) == "Missing or invalid Authorization header")
            }
            let fresh = try await fixture.session(id)
            #expect(try await Self.accepted(client, fresh))
        }
    }

    @Test func aPasswordResetEndsOlderSessionsAndTheNewOneWorks() async throws {
        let mail = RecordingMailSender()
        let fixture = try await PasswordRoutesTests.fixture(mail)
        let id = try await fixture.user("ana@example.com")
        let stolen = try await fixture.session(id)
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/auth/password/reset", method: .post, headers: FormRequest.headers,
                body: FormRequest.body([("email", "ana@example.com")])
            ) { #expect($0.status == .ok) }
            let message = try #require(await fixture.mailed(mail).first)
            let link = try #require(FormRequest.link(in: message.text))
            let fresh = try await client.execute(
                uri: "/auth/password/reset/confirm", method: .post, headers: FormRequest.headers,
                body: FormRequest.body([
                    ("email", "ana@example.com"), ("token", try #require(link.query("token"))),
                    ("password", "a new password"), ("confirm_password", "a new password"),
                ])
            ) { response in
                #expect(response.status == .found)
                return FormRequest.sessionCookie(response.headers)
            }
            #expect(try await !Self.accepted(client, stolen))
            #expect(try await Self.accepted(client, try #require(fresh)))
        }
    }

    @Test func aDeactivatedUsersSessionsStayEndedAfterReactivation() async throws {
        let fixture = try await ServerFixture.fast()
        let admin = try await fixture.session(try await fixture.user("root@example.com", admin: true))
        let id = try await fixture.user("ana@example.com")
        let session = try await fixture.session(id)
        try await fixture.application.test(.router) { client in
            for action in ["deactivate", "activate"] {
                try await client.execute(
                    uri: "/api/users/\(id)/\(action)", method: .post, headers: JSONRequest.bearer(admin)
                ) { #expect($0.status == .ok) }
            }
            #expect(try await !Self.accepted(client, session))
        }
    }

    /// A scheduler secret that is too short is ignored, and start-up says so loudly.
    @Test func aShortSchedulerSecretIsReportedAtStartUp() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-sched-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let recorder = LogRecorder()
        _ = try await AgnesServices.open(
            settings: AgnesSettings(dataDir: root.path, schedulerAPIToken: "short-secret"), logger: recorder.logger,
            passwordHasher: PasswordHasher(cost: 4))
        let warnings = recorder.warnings.filter { $0.contains("SCHEDULER_API_TOKEN") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("IGNORED: it has 12 characters, at least 32") == true)
    }
}
