import AgnesTestSupport
import Foundation
import Testing

@testable import AgnesCore

/// The shipped `config/instance.yaml.example` must load as it is.
@Suite struct InstanceExampleFileTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let referencedVariables = [
        "SESSION_SECRET", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "KEBOOLA_STORAGE_TOKEN", "BIGQUERY_PROJECT",
        "SMTP_PASSWORD", "DESKTOP_JWT_SECRET", "TELEGRAM_BOT_TOKEN", "JIRA_API_TOKEN", "JIRA_WEBHOOK_SECRET",
        "ANTHROPIC_API_KEY",
    ]

    static func value(of variable: String) -> String {
        "value-of-\(variable)-0123456789abcdef0123456789abcdef"
    }

    let fixture: InstanceFixture

    init() throws {
        fixture = try InstanceFixture()
        let example = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("config/instance.yaml.example"),
            encoding: .utf8
        )
        try fixture.writeStatic(example)
    }

    @Test func loadsWithoutWarningsWhenTheEnvironmentIsComplete() throws {
        // Long enough to pass the secret-length checks.
        let environment = Dictionary(uniqueKeysWithValues: Self.referencedVariables.map { ($0, Self.value(of: $0)) })
        let settings = try fixture.load(environment)
        #expect(fixture.recorder.warnings == [])
        #expect(settings.instanceName == "Agnes")
        #expect(settings.dataSourceType == .local)
        #expect(settings.instance["auth.webapp_secret_key"] == .string(Self.value(of: "SESSION_SECRET")))
        #expect(settings.instance["auth.allowed_domain"] == "example.com")
        #expect(settings.instance["server.hostname"] == "agnes.example.com")
        #expect(settings.remoteQuery == RemoteQueryLimits())
        #expect(settings.scan == ScanLimits())
        #expect(settings.profiler == ProfilerSettings())
        #expect(settings.instance["materialize.lock_ttl_seconds"] == 86_400)
    }

    @Test func everyReferencedVariableIsListed() throws {
        _ = try fixture.load()
        let unset = fixture.recorder.warnings.filter { $0.contains("is not set") }
        #expect(unset.count == Self.referencedVariables.count)
    }

    @Test func coversTheDocumentedSections() throws {
        let settings = try fixture.load()
        let sections = [
            "config_version", "instance", "server", "admins", "deployment", "auth", "theme", "data_source", "email",
            "desktop", "telegram", "jira", "ai", "openmetadata", "corporate_memory", "groups", "users",
            "username_mapping", "datasets", "catalog", "profiler", "remote_query", "api", "materialize",
        ]
        #expect(Set(settings.instance.objectValue?.keys ?? [:].keys) == Set(sections))
    }
}
