import AgnesCore
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AgnesServer

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
                let deployed = try #require(body["deployed_at"] as? String)
                #expect(deployed.wholeMatch(of: /20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
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

    @Test func newRequestIDsAreTwelveLowercaseHexDigitsAndVary() {
        let ids = (0..<2000).map { _ in RequestIDMiddleware.newID() }
        #expect(
            ids.allSatisfy {
                $0.utf8.count == 12 && $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
            })
        #expect(Set(ids).count == ids.count)
        // Every digit position takes every value: no position is stuck (a broken shift or mask would be).
        for position in 0..<12 {
            #expect(Set(ids.map { Array($0.utf8)[position] }).count == 16)
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
