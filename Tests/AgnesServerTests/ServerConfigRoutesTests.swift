import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// `GET/POST /api/admin/server-config` (REFERENCE §1.9).
@Suite struct ServerConfigRoutesTests {
    static func fixture() async throws -> ServerFixture {
        try await ServerFixture(settings: { directory in
            let config = URL(fileURLWithPath: directory).appendingPathComponent("config")
            try? FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
            try? Data(
                """
                instance: {name: Acme}
                email: {smtp_host: mail.example.com, smtp_password: hunter2, smtp_user: ""}
                ai: {provider: anthropic, api_key: sk-secret}
                telegram: {bot_token: ""}
                sync: {alert_webhook_url: "https://hooks.example.com/services/T0/B0/secret-part"}
                """.utf8
            ).write(to: config.appendingPathComponent("instance.yaml"))
            var settings = AgnesSettings(dataDir: directory)
            settings.configDir = config.path
            return settings
        })
    }

    @Test func secretsAreRedactedAndSentBackUnchangedTheyStay() async throws {
        let fixture = try await Self.fixture()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let shown = try await client.call(.get, "/api/admin/server-config", as: root.token)
            #expect(shown.status == .ok)
            let sections = try #require(shown.object["sections"] as? [String: [String: Any]])
            #expect(sections["email"]?["smtp_password"] as? String == "***")
            #expect(sections["email"]?["smtp_user"] as? String == "")
            #expect(sections["telegram"]?["bot_token"] as? String == "<empty>")
            #expect(sections["email"]?["smtp_host"] as? String == "mail.example.com")
            #expect(sections["ai"]?["api_key"] as? String == "***")
            #expect(sections["sync"]?["alert_webhook_url"] as? String == "***", "a webhook URL carries its secret")
            #expect(shown.object["danger_sections"] as? [String] == ["auth", "server"])
            #expect((shown.object["editable_sections"] as? [String])?.contains("data_source") == true)

            // The form sends everything back; only what changed is written, secrets stay.
            let saved = try await client.call(
                .post, "/api/admin/server-config", as: root.token,
                body: [
                    "sections": [
                        "email": ["smtp_host": "smtp.example.org", "smtp_password": "***", "smtp_user": ""],
                        "telegram": ["bot_token": "<empty>"],
                    ]
                ])
            #expect(saved.status == .ok)
            #expect(saved.object["restart_required"] as? Bool == true)
            #expect(saved.object["sections_updated"] as? [String] == ["email", "telegram"])
            #expect(saved.object["diff_count"] as? Int == 1)
            let again = try await client.call(.get, "/api/admin/server-config", as: root.token)
            let email = (again.object["sections"] as? [String: [String: Any]])?["email"]
            #expect(email?["smtp_host"] as? String == "smtp.example.org")
            #expect(email?["smtp_password"] as? String == "***")
        }
        let settings = try ConfigLoader.load(
            environment: ["DATA_DIR": fixture.root.path, "CONFIG_DIR": fixture.root.appendingPathComponent("config").path],
            logger: .init(label: "test"))
        #expect(settings.instance["email.smtp_password"]?.stringValue == "hunter2", "the secret was not overwritten")
        #expect(settings.instance["email.smtp_host"]?.stringValue == "smtp.example.org")
        let audit = try #require(try await fixture.auditLog().first { $0.action == "instance_config.update" })
        #expect(audit.params?["diff"]?.contains("smtp.example.org") == true)
        #expect(audit.params?["diff"]?.contains("hunter2") == false)
    }

    @Test func aSecretChangeIsAuditedMasked() async throws {
        let fixture = try await Self.fixture()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let saved = try await client.call(
                .post, "/api/admin/server-config", as: root.token, body: ["sections": ["ai": ["api_key": "sk-new"]]])
            #expect(saved.status == .ok && saved.object["diff_count"] as? Int == 1)
        }
        let audit = try #require(try await fixture.auditLog().first { $0.action == "instance_config.update" })
        #expect(audit.params?["diff"]?.contains("sk-new") == false)
        #expect(audit.params?["diff"]?.contains("ai.api_key") == true)
    }

    @Test(arguments: [
        (#"{"sections": {}}"#, 422, "sections: nothing to change"),
        (#"{}"#, 422, "sections: nothing to change"),
        (#"{"sections": {"kernel": {"x": 1}}}"#, 400, "Unknown section: kernel"),
        (#"{"sections": {"email": 5}}"#, 422, "sections.email: must be an object"),
        (#"{"sections": {"auth": {"allowed_domain": "evil.example"}}}"#, 400, "Sections auth change how the server runs"),
        (#"{"sections": {"data_source": {"keboola": {"stack_url": "http://127.0.0.1:8080"}}}}"#, 400, "data_source.keboola.stack_url: its host 127.0.0.1 resolves to an inner address"),
        (#"{"sections": {"data_source": {"keboola": {"stack_url": "http://localhost/"}}}}"#, 400, "data_source.keboola.stack_url: must not point at this machine"),
        (#"{"sections": {"data_source": {"keboola": {"stack_url": "http://[fd00::1]/"}}}}"#, 400, "data_source.keboola.stack_url: its host"),
        (#"{"sections": {"data_source": {"keboola": {"stack_url": "file:///etc/passwd"}}}}"#, 400, "data_source.keboola.stack_url: must be an http or https URL"),
        (#"{"sections": {"sync": {"alert_webhook_url": "http://169.254.169.254/latest"}}}"#, 400, "sync.alert_webhook_url: its host 169.254.169.254 resolves to an inner address"),
        (#"{"sections": {"materialize": {"lock_ttl_seconds": 5}}}"#, 422, "materialize.lock_ttl_seconds: a whole number from 60 to 604800"),
        (#"{"sections": {"scheduler": {"jobs": {"data-refresh": {"schedule": "sometimes"}}}}}"#, 422, "/state/instance.yaml: scheduler.jobs.data-refresh.schedule"),
    ])
    func aBadSaveIsRefusedAndWritesNothing(_ json: String, _ status: Int, _ detail: String) async throws {
        let fixture = try await Self.fixture()
        let root = try await fixture.admin()
        let overlay = fixture.root.appendingPathComponent("state/instance.yaml")
        try await fixture.application.test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/api/admin/server-config", method: .post,
                headers: [.authorization: "Bearer \(root.token)", .contentType: "application/json"],
                body: .init(string: json))
            #expect(response.status.code == status, "\(json)")
            let shown = response.object["detail"] as? String ?? ""
            #expect(shown.contains(detail), "\(shown)")
        }
        #expect(!FileManager.default.fileExists(atPath: overlay.path), "nothing written")
        #expect(try await fixture.auditLog().contains { $0.action == "instance_config.update" } == false)
    }

    @Test func dangerSectionsSaveWithConfirmationAndOnlyAdminsGetIn() async throws {
        let fixture = try await Self.fixture()
        let root = try await fixture.admin()
        let ana = try await fixture.analyst("ana@example.com", tables: [])
        try await fixture.application.test(.router) { client in
            let saved = try await client.call(
                .post, "/api/admin/server-config", as: root.token,
                body: ["sections": ["auth": ["allowed_domain": "acme.example"]], "confirm_danger": true])
            #expect(saved.status == .ok)
            #expect(try await client.call(.get, "/api/admin/server-config", as: ana).status == .forbidden)
            #expect(try await client.call(.get, "/api/admin/server-config", as: nil).status == .unauthorized)
            let refused = try await client.call(
                .post, "/api/admin/server-config", as: ana, body: ["sections": ["instance": ["name": "x"]]])
            #expect(refused.status == .forbidden)
        }
        let audit = try #require(try await fixture.auditLog().first { $0.action == "instance_config.update" })
        #expect(audit.params?["danger_sections"] == "auth")
    }
}
