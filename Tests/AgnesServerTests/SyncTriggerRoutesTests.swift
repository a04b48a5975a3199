import AgnesCore
import AgnesData
import AgnesJobs
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `POST /api/sync/trigger`: answers at once, syncs the local source in the background.
@Suite struct SyncTriggerRoutesTests {
    @Test func aTriggerPublishesANewFileInTheBackground() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        try "id,city\n1,Prague\n2,Brno\n".write(
            to: fixture.services.layout.localSourceDirectory.appendingPathComponent("cities.csv"), atomically: true,
            encoding: .utf8)
        try await fixture.application.test(.router) { client in
            let all = try await client.send(
                .post, "/api/sync/trigger", as: root.token, contentType: "application/json", bytes: [])
            #expect(all.status == .ok)
            let reply = try #require(all.json as? [String: Any])
            #expect(reply["status"] as? String == "triggered")
            #expect(reply["tables"] as? String == "all")
            #expect((reply["message"] as? String)?.contains("background") == true)
            let runID = try #require(reply["run_id"] as? String)
            let run = await fixture.services.pipeline.completion(of: runID)  // the run the trigger started
            #expect(run?.status == .succeeded)
            let manifest = try await client.raw(.get, "/api/sync/manifest", as: root.token)
            let published = (manifest.object["tables"] as? [String: Any])?["cities"] != nil
            #expect(published, "the new file never reached the manifest")
            #expect(try await DuckDBTableRegistryRepository(store: fixture.services.store).find(id: "cities") != nil)

            let some = try await client.send(
                .post, "/api/sync/trigger", as: root.token, contentType: "application/json",
                bytes: Array(#"["orders"]"#.utf8))
            #expect((some.json as? [String: Any])?["tables"] as? [String] == ["orders"])
        }
        #expect(try await fixture.auditLog().contains { $0.action == "sync_triggered" })
    }

    @Test func refusedTriggersSayWhy() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            let anonymous = try await client.send(
                .post, "/api/sync/trigger", as: nil, contentType: "application/json", bytes: [])
            #expect(anonymous.status == .unauthorized)
            let analyst = try await client.send(
                .post, "/api/sync/trigger", as: ana, contentType: "application/json", bytes: [])
            #expect(analyst.status == .forbidden)
            for body in [#"{"tables": ["orders"]}"#, "[1, 2]", "not json"] {
                let bad = try await client.send(
                    .post, "/api/sync/trigger", as: root.token, contentType: "application/json", bytes: Array(body.utf8)
                )
                #expect(bad.status == .unprocessableContent, "\(body)")
                #expect(
                    (bad.json as? [String: Any])?["detail"] as? String
                        == "the body must be a JSON array of table ids, or null")
            }
        }
    }
}
