import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesJobs
import AgnesServer
import AgnesStore
import Foundation
import Logging
import Synchronization
import Testing

/// A connector for the pipeline's own rules: it waits at a gate (when one is set), records every
/// call, and answers each due table as `answer` says.
final class ScriptedConnector: Connector {
    let sourceType: String
    let registersDiscoveredTables = false
    let calls = Mutex<[[String]]>([])
    let gate: TestGate?
    let answer: @Sendable (TableRegistration) -> SyncTableOutcome.Kind

    init(
        sourceType: String = "keboola", gated: Bool = false,
        answer: @escaping @Sendable (TableRegistration) -> SyncTableOutcome.Kind = { _ in .unchanged }
    ) {
        self.sourceType = sourceType
        self.gate = gated ? TestGate() : nil
        self.answer = answer
    }

    func discover() async throws -> [DiscoveredTable] { [] }

    func sync(_ request: ConnectorSyncRequest) async throws -> ConnectorSyncResult {
        calls.withLock { $0.append(request.due.map(\.id).sorted()) }
        await gate?.pass()
        return ConnectorSyncResult(
            outcomes: request.due.map { .init(tableID: $0.id, source: sourceType, kind: answer($0), reason: "scripted") },
            changedExtract: false)
    }

    /// Waits until a call stands at the gate, then lets it through.
    func open() async { await gate?.open() }

    /// Returns once a call stands at the gate.
    func arrival() async { await gate?.arrival() }
}

@Suite struct SyncPipelineTests {
    /// A CSV file DuckDB refuses to read (bytes that are not UTF-8).
    static let unreadable = Data([0x69, 0x64, 0x0A, 0xFF, 0xFE, 0xFD, 0x0A])

    static func pipeline(
        _ fixture: ServerFixture, _ connectors: [any Connector], timeout: Int = 1800,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> SyncPipeline {
        SyncPipeline(
            store: fixture.services.store, orchestrator: fixture.services.orchestrator, connectors: connectors,
            settings: SyncSettings(connectorTimeoutSeconds: timeout), now: now, logger: Logger(label: "test"))
    }

    static func register(_ fixture: ServerFixture, _ ids: [String], source: String = "keboola", schedule: String? = nil)
        async throws
    {
        for id in ids {
            _ = try await DuckDBTableRegistryRepository(store: fixture.services.store).register(
                TableRegistration(id: id, name: id, sourceType: source, syncSchedule: schedule))
        }
    }

    @Test func aTableNotDueKeepsItsDataAndViewWhileTheOthersSync() async throws {
        let fixture = try await ServerFixture.withTables()
        let registry = DuckDBTableRegistryRepository(store: fixture.services.store)
        _ = try await registry.update(id: "orders", { var c = TableRegistrationChanges(); c.syncSchedule = "every 1h"; return c }())
        let local = fixture.services.layout.localSourceDirectory
        // The start-up run took every table up; now both files change.
        try "id,status,amount\n1,paid,1\n".write(to: local.appendingPathComponent("orders.csv"), atomically: true, encoding: .utf8)
        try "secret\na\nb\nc\n".write(to: local.appendingPathComponent("secrets.csv"), atomically: true, encoding: .utf8)
        let run = try await fixture.services.pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
        #expect(run.status == .succeeded)
        let outcomes = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: run.id)
        let byTable = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.tableID, $0) })
        #expect(byTable["orders"]?.kind == .skipped)
        #expect(byTable["orders"]?.summary.hasPrefix("skipped: not due (every 1h, next at ") == true)
        #expect(byTable["secrets"]?.kind == .synced && byTable["secrets"]?.rows == 3)
        #expect(byTable["numbers"]?.summary == "unchanged: its file did not change")
        let served = try #require(try await fixture.services.analytics.generation?.servedTables())
        #expect(served["orders"]?.rows == 5, "the table not due still serves its last data")
        #expect(served["secrets"]?.rows == 3)
        // Asked for by name, it syncs whatever its schedule says.
        let named = try await fixture.services.pipeline.run(tables: ["orders"], trigger: "test", requestedBy: nil)
        let namedOutcomes = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: named.id)
        #expect(namedOutcomes.first { $0.tableID == "orders" }?.kind == .synced)
        #expect(namedOutcomes.first { $0.tableID == "secrets" }?.summary == "skipped: not requested")
        #expect(try await fixture.services.analytics.generation?.servedTables()["orders"]?.rows == 1)
    }

    @Test func aFailingTableFailsAloneAndKeepsServingItsLastGoodData() async throws {
        let fixture = try await ServerFixture.withTables()
        let local = fixture.services.layout.localSourceDirectory
        let before = try #require(try await fixture.services.analytics.generation?.servedTables()["orders"])
        try Self.unreadable.write(to: local.appendingPathComponent("orders.csv"))
        try "secret\nnew\n".write(to: local.appendingPathComponent("secrets.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: local.appendingPathComponent("numbers.csv"))
        let run = try await fixture.services.pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
        #expect(run.status == .partial)
        let outcomes = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: run.id)
        let byTable = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.tableID, $0) })
        #expect(byTable["orders"]?.kind == .failed)
        #expect(byTable["numbers"]?.reason?.contains("sources/local has no file for it") == true)
        #expect(byTable["secrets"]?.kind == .synced)
        let served = try #require(try await fixture.services.analytics.generation?.servedTables())
        #expect(served["orders"]?.md5 == before.md5, "the failed table keeps serving its last good file")
        #expect(served["numbers"]?.rows == 5000)
        #expect(served["secrets"]?.rows == 1)
        let checks = try await SyncRunRepository(store: fixture.services.store).checks()
        #expect(checks["orders"]?.outcome == .failed && checks["orders"]?.runID == run.id)
    }

    @Test func triggersDuringARunShareOneQueuedRunThatTakesUpEveryRequest() async throws {
        let fixture = try await ServerFixture()
        try await Self.register(fixture, ["a", "b", "c"])
        let connector = ScriptedConnector(gated: true)
        let pipeline = Self.pipeline(fixture, [connector])
        let first = try await pipeline.trigger(tables: ["a"], trigger: "test", requestedBy: nil)
        await connector.arrival()
        let second = try await pipeline.trigger(tables: ["b"], trigger: "test", requestedBy: "u1")
        let third = try await pipeline.trigger(tables: ["c", "b"], trigger: "test", requestedBy: "u2")
        #expect(second.id != first.id && third.id == second.id)
        #expect(try await SyncRunRepository(store: fixture.services.store).find(id: second.id)?.status == .queued)
        #expect(try await SyncRunRepository(store: fixture.services.store).find(id: second.id)?.requestedTables == ["b", "c"])
        await connector.open()
        await connector.open()
        let finishedSecond = await pipeline.completion(of: second.id)
        #expect(await pipeline.completion(of: first.id)?.status == .succeeded)
        #expect(finishedSecond?.status == .succeeded)
        #expect(connector.calls.withLock { $0 } == [["a"], ["b", "c"]])
        // "Every due table" wins over lists when merged.
        let gatedAgain = try await pipeline.trigger(tables: ["a"], trigger: "test", requestedBy: nil)
        await connector.arrival()
        _ = try await pipeline.trigger(tables: ["b"], trigger: "test", requestedBy: nil)
        let all = try await pipeline.trigger(tables: nil, trigger: "test", requestedBy: nil)
        #expect(try await SyncRunRepository(store: fixture.services.store).find(id: all.id)?.requestedTables == nil)
        await connector.open()
        await connector.open()
        _ = await pipeline.completion(of: gatedAgain.id)
        _ = await pipeline.completion(of: all.id)
        #expect(connector.calls.withLock { $0.last } == ["a", "b", "c"])
    }

    @Test func aConnectorThatHangsIsStoppedByItsTimeoutAndRecordedAsFailed() async throws {
        let fixture = try await ServerFixture()
        try await Self.register(fixture, ["slow"])
        try await Self.register(fixture, ["quick"], source: "bigquery")
        let hanging = ScriptedConnector(gated: true)
        let quick = ScriptedConnector(sourceType: "bigquery", answer: { _ in .synced })
        let pipeline = Self.pipeline(fixture, [hanging, quick], timeout: 1)
        let run = try await pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
        let outcomes = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: run.id)
        #expect(outcomes.first { $0.tableID == "slow" }?.summary == "failed: the keboola connector did not finish within 1 s")
        #expect(outcomes.first { $0.tableID == "quick" }?.kind == .synced)
        #expect(run.status == .partial)
        // Until the hung call returns, the source is not called again.
        let again = try await pipeline.run(tables: ["slow"], trigger: "test", requestedBy: nil)
        let second = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: again.id)
        #expect(second.first { $0.tableID == "slow" }?.reason == "the previous sync of keboola has not finished after its timeout")
        #expect(again.status == .failed)
        #expect(hanging.calls.withLock { $0.count } == 1)
        await hanging.open()
    }

    @Test func tablesWithoutAConnectorOrLocalModeAreSkippedSayingWhy() async throws {
        let fixture = try await ServerFixture()
        try await Self.register(fixture, ["jira_issues"], source: "jira")
        _ = try await DuckDBTableRegistryRepository(store: fixture.services.store).register(
            TableRegistration(id: "remote_sales", name: "remote_sales", sourceType: "keboola", queryMode: .remote))
        let pipeline = Self.pipeline(fixture, [ScriptedConnector()])
        let run = try await pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
        let outcomes = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: run.id)
        #expect(outcomes.map(\.summary).sorted() == [
            "skipped: no jira connector is configured on this server",
            "skipped: remote keboola tables cannot be queried in this build yet; register it with query_mode local to sync it",
        ])
        #expect(run.status == .succeeded)
    }

    @Test func runsLeftRunningByAKilledProcessAreRecordedAsInterrupted() async throws {
        let fixture = try await ServerFixture()
        let runs = SyncRunRepository(store: fixture.services.store)
        try await runs.save(SyncRun(id: "r1", trigger: "api", status: .running, queuedAt: Date(), startedAt: Date()))
        try await runs.save(SyncRun(id: "r2", trigger: "api", status: .queued, queuedAt: Date()))
        #expect(try await fixture.services.pipeline.recoverInterruptedRuns() .sorted() == ["r1", "r2"])
        let first = try #require(try await runs.find(id: "r1"))
        #expect(first.status == .interrupted && first.error?.contains("kept its previous data") == true)
        #expect(try await runs.find(id: "r2")?.error == "the server stopped before the run started")
    }

    @Test func aRunWithFailuresIsPostedToTheAlertWebhook() async throws {
        let hook = try await WebhookRecorder.start()
        let fixture = try await ServerFixture()
        try await Self.register(fixture, ["good", "bad"])
        let connector = ScriptedConnector(answer: { $0.id == "bad" ? .failed : .unchanged })
        let pipeline = SyncPipeline(
            store: fixture.services.store, orchestrator: fixture.services.orchestrator, connectors: [connector],
            settings: SyncSettings(), alerts: SyncAlertSender(url: hook.url), logger: Logger(label: "test"))
        let run = try await pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
        let posts = hook.bodies
        #expect(posts.count == 1)
        let body = try #require(posts.first)
        #expect(body["event"] as? String == "sync.failed" && body["run_id"] as? String == run.id)
        #expect(body["status"] as? String == "partial" && body["failure_count"] as? Int == 1)
        let failures = try #require(body["failures"] as? [[String: Any]])
        #expect(failures.first?["table"] as? String == "bad")
        // A clean run posts nothing; a webhook that is down never fails the run.
        _ = try await pipeline.run(tables: ["good"], trigger: "test", requestedBy: nil)
        #expect(hook.bodies.count == 1)
        try await hook.stop()
        let unreachable = try await pipeline.run(tables: ["bad"], trigger: "test", requestedBy: nil)
        #expect(unreachable.status == .failed && unreachable.error == nil)
    }
}
