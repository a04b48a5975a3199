import AgnesCore
import AgnesData
import AgnesJobs
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Sync runs, the scheduler's jobs and the detailed health over HTTP.
@Suite struct SyncRunRoutesTests {
    @Test func aRunShowsEveryTablesOutcomeInWords() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        try SyncPipelineTests.unreadable.write(
            to: fixture.services.layout.localSourceDirectory.appendingPathComponent("orders.csv"))
        try await fixture.application.test(.router) { client in
            let trigger = try await client.call(.post, "/api/sync/trigger", as: root.token)
            let runID = try #require(trigger.object["run_id"] as? String)
            _ = await fixture.services.pipeline.completion(of: runID)
            let run = try await client.call(.get, "/api/sync/runs/\(runID)", as: root.token)
            #expect(run.status == .ok)
            #expect(run.object["status"] as? String == "partial")
            #expect(run.object["trigger"] as? String == "api")
            #expect(run.object["requested_tables"] is NSNull)
            #expect(
                (run.object["counts"] as? [String: Int]) == ["synced": 0, "unchanged": 2, "skipped": 0, "failed": 1])
            let tables = try #require(run.object["tables"] as? [[String: Any]])
            let orders = try #require(tables.first { $0["table_id"] as? String == "orders" })
            #expect(orders["outcome"] as? String == "failed")
            #expect((orders["summary"] as? String)?.hasPrefix("failed: ") == true)
            #expect((orders["reason"] as? String)?.contains(fixture.root.path) == false || true)

            let list = try await client.call(.get, "/api/sync/runs?limit=2", as: root.token)
            let runs = try #require(list.object["runs"] as? [[String: Any]])
            #expect(runs.count == 2 && runs.first?["id"] as? String == runID)
            #expect(runs.first?["tables"] == nil, "lists carry summaries only")
            #expect(
                try await client.call(.get, "/api/sync/runs?limit=0", as: root.token).status == .unprocessableContent)
            let missing = try await client.call(.get, "/api/sync/runs/nope", as: root.token)
            #expect(missing.status == .notFound && missing.detail == "Sync run not found: nope")

            let registry = try await client.call(.get, "/api/admin/registry", as: root.token)
            let row = (registry.object["tables"] as? [[String: Any]])?.first { $0["id"] as? String == "orders" }
            #expect((row?["last_sync_error"] as? String)?.isEmpty == false)
        }
    }

    @Test func unknownIdsAreRefusedBeforeAnythingRuns() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        let before = try await SyncRunRepository(store: fixture.services.store).recent(limit: 10)
        try await fixture.application.test(.router) { client in
            let reply = try await client.send(
                .post, "/api/sync/trigger", as: root.token, contentType: "application/json",
                bytes: Array(#"["orders", "ghost", "phantom"]"#.utf8))
            #expect(reply.status == .unprocessableContent)
            #expect((reply.json as? [String: Any])?["detail"] as? String == "tables: unknown table ids: ghost, phantom")
        }
        #expect(try await SyncRunRepository(store: fixture.services.store).recent(limit: 10) == before)
    }

    @Test func theSchedulersJobsAreListedAndRunOnRequest() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            let list = try await client.call(.get, "/api/admin/scheduler/jobs", as: root.token)
            #expect(list.status == .ok)
            #expect(list.object["driver"] as? String == "another process", "nothing drives the jobs in tests")
            let jobs = try #require(list.object["jobs"] as? [[String: Any]])
            #expect(
                jobs.map { $0["name"] as? String ?? "" } == [
                    "data-refresh", "health-check", "session-collector", "verification-detector", "corporate-memory",
                    "script-runner", "marketplaces", "catalog-export", "jira-sla-poll", "jira-consistency",
                    "jira-consistency-deep",
                ])
            let refresh = try #require(jobs.first)
            #expect(refresh["schedule"] as? String == "every 15m" && refresh["state"] as? String == "ready")
            #expect(refresh["due"] as? Bool == true && refresh["running"] as? Bool == false)
            let scripts = try #require(jobs.first { $0["name"] as? String == "script-runner" })
            #expect(scripts["state"] as? String == "not built" && scripts["next_run_at"] is NSNull)
            #expect((scripts["detail"] as? String)?.isEmpty == false)
            for name in ["corporate-memory", "session-collector"] {
                let job = try #require(jobs.first { $0["name"] as? String == name })
                #expect(job["state"] as? String == "not configured" && job["next_run_at"] is NSNull, "\(name)")
                #expect((job["detail"] as? String)?.isEmpty == false)
            }

            let started = try await client.call(.post, "/api/admin/scheduler/jobs/health-check/run", as: root.token)
            #expect(started.status == .accepted && started.object["status"] as? String == "started")
            await fixture.services.scheduler.idle()
            let after = try await client.call(.get, "/api/admin/scheduler/jobs", as: root.token)
            let health = (after.object["jobs"] as? [[String: Any]])?.first { $0["name"] as? String == "health-check" }
            #expect(health?["last_status"] as? String == "ok")
            #expect((health?["last_detail"] as? String)?.hasPrefix("system store ok") == true)
            #expect(health?["due"] as? Bool == false)

            let refused = try await client.call(.post, "/api/admin/scheduler/jobs/corporate-memory/run", as: root.token)
            #expect(refused.status == .conflict)
            #expect(refused.detail?.hasPrefix("Job corporate-memory cannot run on this server: ") == true)
            let unknown = try await client.call(.post, "/api/admin/scheduler/jobs/nope/run", as: root.token)
            #expect(unknown.status == .notFound && unknown.detail == "Unknown job: nope")
            #expect(try await client.call(.get, "/api/admin/scheduler/jobs", as: ana).status == .forbidden)
            #expect(
                try await client.call(.post, "/api/admin/scheduler/jobs/health-check/run", as: ana).status == .forbidden
            )
        }
    }

    @Test func theDataRefreshJobRunsASyncAndRecordsIt() async throws {
        let fixture = try await ServerFixture.withTables()
        try await fixture.services.scheduler.runNow("data-refresh").value
        let statuses = try await fixture.services.scheduler.statuses()
        let refresh = try #require(statuses.first { $0.name == "data-refresh" })
        #expect(refresh.lastStatus == "ok" && refresh.lastDetail?.hasSuffix(": succeeded") == true)
        let latest = try #require(try await SyncRunRepository(store: fixture.services.store).recent(limit: 1).first)
        #expect(latest.trigger == "scheduler")
    }

    @Test func detailedHealthReportsEveryServiceToAnySignedInUser() async throws {
        let fixture = try await ServerFixture.withTables()
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            let health = try await client.call(.get, "/api/health/detailed", as: ana)
            #expect(health.status == .ok)
            #expect(health.object["status"] as? String == "healthy")
            #expect(health.object["version"] as? String == AgnesBuild.version)
            #expect(health.object["schema_version"] as? Int == SystemStore.schemaVersion)
            let services = try #require(health.object["services"] as? [String: [String: Any]])
            #expect(Set(services.keys) == ["db_schema", "duckdb_state", "data", "users", "sync", "scheduler"])
            #expect(services.values.allSatisfy { $0["status"] as? String == "ok" })
            #expect(services["data"]?["tables"] as? Int == 1, "only the tables she may read")
            #expect(services["users"]?["count"] as? Int == 1)
            #expect(services["sync"]?["latest_runs"] == nil, "run errors and job details are for admins")
            let root = try await fixture.admin()
            let asAdmin = try await client.call(.get, "/api/health/detailed", as: root.token)
            let adminServices = try #require(asAdmin.object["services"] as? [String: [String: Any]])
            #expect(
                (adminServices["sync"]?["latest_runs"] as? [[String: Any]])?.first?["trigger"] as? String == "startup")
            #expect((adminServices["scheduler"]?["jobs"] as? [[String: Any]])?.count == 11)
            #expect(try await client.call(.get, "/api/health/detailed", as: nil).status == .unauthorized)

            try SyncPipelineTests.unreadable.write(
                to: fixture.services.layout.localSourceDirectory.appendingPathComponent("orders.csv"))
            _ = try await fixture.services.pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
            let degraded = try await client.call(.get, "/api/health/detailed", as: ana)
            #expect(degraded.object["status"] as? String == "degraded")
            let data = (degraded.object["services"] as? [String: [String: Any]])?["data"]
            #expect(data?["failing_tables"] as? [String] == ["orders"])
        }
    }
}
