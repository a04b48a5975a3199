import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/admin/sync-runs`, `/admin/sync-runs/{id}` and `/admin/scheduler`.
@Suite struct SyncRunPagesTests {
    /// Two runs: `r-old` succeeded with `orders`; `r-new` partial, `refunds` failing with markup in its
    /// cause, `orders` synced and 30 tables skipped.
    static func fixture() async throws -> ServerFixture {
        let fixture = try await ServerFixture.fast()
        let runs = SyncRunRepository(store: fixture.services.store)
        let now = Date()
        try await runs.save(
            SyncRun(
                id: "r-old", trigger: "scheduler", status: .succeeded, queuedAt: now.addingTimeInterval(-7_200),
                startedAt: now.addingTimeInterval(-7_200), finishedAt: now.addingTimeInterval(-7_188), generation: 3))
        try await runs.record(
            [SyncTableOutcome(tableID: "orders", source: "local", kind: .synced, rows: 1_500, durationMS: 850)],
            runID: "r-old", at: now.addingTimeInterval(-7_190))
        try await runs.save(
            SyncRun(
                id: "r-new", trigger: "api", requestedTables: ["orders", "refunds"], status: .partial,
                queuedAt: now.addingTimeInterval(-60), startedAt: now.addingTimeInterval(-60),
                finishedAt: now.addingTimeInterval(-45)))
        let skipped = (0..<30).map {
            SyncTableOutcome(tableID: String(format: "s%02d", $0), source: "local", kind: .skipped, reason: "not due")
        }
        try await runs.record(
            [
                SyncTableOutcome(tableID: "orders", source: "local", kind: .synced, rows: 1_600, durationMS: 12_300),
                SyncTableOutcome(
                    tableID: "refunds", source: "keboola", kind: .failed,
                    reason: "Keboola answered <script>alert(1)</script>"),
            ] + skipped, runID: "r-new", at: now.addingTimeInterval(-50))
        return fixture
    }

    @Test func recentRunsShowWhatEachDidWithEachTable() async throws {
        let fixture = try await Self.fixture()
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let page = try await client.raw(.get, "/admin/sync-runs", as: admin.token)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            // Newest first, each with its counts and the tables it took up, failures first.
            let newer = try #require(html.range(of: #"id="run-r-new""#))
            let older = try #require(html.range(of: #"id="run-r-old""#))
            #expect(newer.lowerBound < older.lowerBound)
            #expect(html.contains("1 synced · 30 skipped · 1 failed"))
            #expect(html.contains("Tables asked for: orders, refunds") && html.contains("every due table"))
            #expect(html.contains("took 12.0 s") && html.contains("generation 3"))
            let failed = try #require(html.range(of: "<code>refunds</code>"))
            let synced = try #require(html.range(of: "<code>orders</code>"))
            #expect(failed.lowerBound < synced.lowerBound)
            #expect(html.contains("12.3 s") && html.contains("1,600") && html.contains("850 ms"))
            #expect(!html.contains("<code>s00</code>"), "skipped tables only on the run's page")
            // A run with a failure shows its tables open; the one without keeps them folded.
            #expect(html.components(separatedBy: "<details open>").count == 2)
            #expect(html.components(separatedBy: "<details>").count == 2)
            #expect(
                !html.contains("<script>alert")
                    && html.contains("Keboola answered &lt;script&gt;alert(1)&lt;/script&gt;"))
            let trigger = try #require(WebForm(in: html, id: "/api/sync/trigger"))
            #expect(trigger.attributes["data-send"] == "" && trigger.fields.isEmpty)

            let run = try await client.raw(.get, "/admin/sync-runs/r-new", as: admin.token)
            #expect(run.status == .ok)
            let detail = String(buffer: run.body)
            #expect(detail.contains("<code>s29</code>") && detail.contains("not due"))
            #expect(detail.contains(#"<a href="/admin/tables/refunds"><code>refunds</code></a>"#))
            #expect(!detail.contains("<script>alert"))
            let missing = try await client.raw(.get, "/admin/sync-runs/nope", as: admin.token)
            #expect(missing.status == .notFound)
        }
    }

    @Test func runsArePaged() async throws {
        let fixture = try await ServerFixture.fast()
        let runs = SyncRunRepository(store: fixture.services.store)
        let start = Date().addingTimeInterval(-86_400)
        for index in 0..<25 {
            try await runs.save(
                SyncRun(
                    id: String(format: "run-%02d", index), trigger: "scheduler", status: .succeeded,
                    queuedAt: start.addingTimeInterval(Double(index) * 60)))
        }
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let first = String(buffer: try await client.raw(.get, "/admin/sync-runs", as: admin.token).body)
            #expect(
                first.contains("1–20 of 25") && first.contains("<code>run-24</code>")
                    && !first.contains("<code>run-04</code>"))
            let second = String(buffer: try await client.raw(.get, "/admin/sync-runs?page=2", as: admin.token).body)
            #expect(
                second.contains("21–25 of 25") && second.contains("<code>run-00</code>")
                    && !second.contains("<code>run-05</code>"))
        }
    }

    @Test func theSchedulerPageListsEveryJobWithRunNow() async throws {
        let fixture = try await Self.fixture()
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let page = try await client.raw(.get, "/admin/scheduler", as: admin.token)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            let jobs = try await client.call(.get, "/api/admin/scheduler/jobs", as: admin.token)
            let listed = try #require(jobs.object["jobs"] as? [[String: Any]])
            #expect(listed.count >= 9, "the scheduler lists its jobs")
            for job in listed {
                let name = try #require(job["name"] as? String)
                #expect(html.contains("<code>\(name)</code>"), "\(name)")
                let form = WebForm(in: html, id: "/api/admin/scheduler/jobs/\(name)/run")
                let runnable = ["ready", "disabled"].contains(job["state"] as? String ?? "")
                #expect((form != nil) == runnable, "\(name)")
            }
            #expect(html.contains("Driven by <strong>\(jobs.object["driver"] as? String ?? "?")</strong>"))
            #expect(html.contains("deployed scripts are not built yet"))
            // Run now: the form's route starts the job.
            let started = try await client.call(.post, "/api/admin/scheduler/jobs/health-check/run", as: admin.token)
            #expect(started.status == .accepted)
        }
    }
}
