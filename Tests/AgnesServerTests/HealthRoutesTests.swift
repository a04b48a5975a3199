import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct HealthRoutesTests {
    @Test func healthIsOkWithTheSchemaVersions() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let body = try ServerFixture.json(response.body)
                #expect(body["status"] as? String == "ok")
                #expect(body["db_schema"] as? String == "ok")
                #expect(body["current"] as? Int == SystemStore.schemaVersion)
                #expect(body["expected"] as? Int == SystemStore.schemaVersion)
            }
        }
    }

    @Test func versionReportsBuildMetadata() async throws {
        let fixture = try await ServerFixture {
            AgnesSettingsFactory.with(
                dataDir: $0, environment: ["AGNES_COMMIT_SHA": "abc123", "RELEASE_CHANNEL": "dev"])
        }
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/version", method: .get) { response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response.body)
                #expect(body["version"] as? String == AgnesBuild.version)
                #expect(body["commit_sha"] as? String == "abc123")
                #expect(body["channel"] as? String == "dev")
                #expect(body["schema_version"] as? Int == SystemStore.schemaVersion)
                #expect((body["deployed_at"] as? String)?.hasPrefix("20") == true)
                #expect(body.keys.contains("image_tag") && body["image_tag"] is NSNull)
            }
        }
    }

    @Test func unknownRoutesAreJSON404WithARequestID() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/nope", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try ServerFixture.json(response.body)
                #expect(body["detail"] as? String == "Not Found")
                #expect(response.headers[HTTPField.Name("x-request-id")!]?.count == 12)
            }
        }
    }

    @Test(arguments: [
        ("abc-DEF_123", "abc-DEF_123"),
        (String(repeating: "a", count: 64), String(repeating: "a", count: 64)),
    ])
    func validIncomingRequestIDsAreEchoed(incoming: String, expected: String) async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/health", method: .get, headers: [HTTPField.Name("x-request-id")!: incoming]
            ) { response in
                #expect(response.headers[HTTPField.Name("x-request-id")!] == expected)
            }
        }
    }

    @Test(arguments: ["has space", "semi;colon", String(repeating: "b", count: 65), "<script>", "ünicode"])
    func invalidIncomingRequestIDsAreReplaced(incoming: String) async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/health", method: .get, headers: [HTTPField.Name("x-request-id")!: incoming]
            ) { response in
                let id = try #require(response.headers[HTTPField.Name("x-request-id")!])
                #expect(id != incoming)
                #expect(id.count == 12 && id.allSatisfy(\.isHexDigit))
            }
        }
    }
}

enum AgnesSettingsFactory {
    static func with(dataDir: String, environment: [String: String]) -> AgnesCore.AgnesSettings {
        var settings = AgnesCore.AgnesSettings(dataDir: dataDir)
        settings.environment = environment
        return settings
    }
}
