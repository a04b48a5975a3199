import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Logging
import Synchronization
import Testing

@testable import AgnesData

@Suite struct ProfilingServiceTests {
    func service(_ fixture: DataFixture) -> ProfilingService {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return ProfilingService(
            store: fixture.store, analytics: fixture.analytics, settings: ProfilerSettings(),
            limits: ProfilerLimits(
                memoryLimit: "512MB", temporaryDirectory: fixture.root.appendingPathComponent("tmp")),
            logger: logger)
    }

    @Test func aRebuildProfilesNewAndChangedTablesInTheBackgroundAndNothingElse() async throws {
        let fixture = try await DataFixture()
        let profiling = service(fixture)
        fixture.orchestrator.onRebuild { _ in profiling.scheduleAfterRebuild() }
        let registry = DuckDBTableRegistryRepository(store: fixture.store)
        _ = try await registry.register(
            TableRegistration(
                id: "orders", name: "orders", syncStrategy: .incremental, primaryKey: ["id"], description: "Orders"))
        _ = try await DuckDBMetricDefinitionRepository(store: fixture.store).upsert(
            MetricDefinition(
                id: "sales/revenue", name: "revenue", displayName: "Revenue", category: "sales",
                sql: "SELECT sum(id) FROM orders", tableName: "orders"))
        try fixture.writeSource(
            "sales", tables: ["orders": "SELECT range AS id FROM range(100)", "refunds": "SELECT 1 AS id"])
        _ = try await fixture.orchestrator.rebuild()
        await profiling.waitUntilIdle()
        let profiles = DuckDBTableProfileRepository(store: fixture.store)
        #expect(try await profiles.list().map(\.tableID) == ["orders", "refunds"])
        let stored = try #require(try await profiles.find(tableID: "orders"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(stored.profileJSON.utf8)) as? [String: Any])
        #expect(json["row_count"] as? Int == 100 && json["description"] as? String == "Orders")
        #expect(json["primary_key"] as? String == "id" && json["sync_strategy"] as? String == "incremental")
        #expect(json["last_sync"] is String && json["file_size_mb"] is Double)
        #expect((json["used_by_metrics"] as? [[String: String]]) == [["name": "revenue", "file": "sales/revenue.yml"]])
        let refunds = try #require(try await profiles.find(tableID: "refunds")?.profiledAt)

        try fixture.writeSource(
            "sales", tables: ["orders": "SELECT range AS id FROM range(200)", "refunds": "SELECT 1 AS id"])
        _ = try await fixture.orchestrator.rebuild()
        await profiling.waitUntilIdle()
        let changed = try #require(try await profiles.find(tableID: "orders"))
        let document = try JSONSerialization.jsonObject(with: Data(changed.profileJSON.utf8)) as? [String: Any]
        #expect(document?["row_count"] as? Int == 200)
        #expect(try await profiles.find(tableID: "refunds")?.profiledAt == refunds)
        _ = try await fixture.orchestrator.rebuild()
        await profiling.waitUntilIdle()
        #expect(try await profiles.find(tableID: "orders") == changed)
        #expect(profiling.failures.isEmpty)
    }

    @Test func registrationsThatOptOutAreNotProfiledAfterSyncButCanBeRefreshed() async throws {
        let fixture = try await DataFixture()
        let profiling = service(fixture)
        _ = try await DuckDBTableRegistryRepository(store: fixture.store).register(
            TableRegistration(id: "orders", name: "orders", profileAfterSync: false))
        try fixture.writeSource("sales", tables: ["orders": "SELECT 1 AS id"])
        _ = try await fixture.orchestrator.rebuild()
        profiling.scheduleAfterRebuild()
        await profiling.waitUntilIdle()
        let profiles = DuckDBTableProfileRepository(store: fixture.store)
        #expect(try await profiles.find(tableID: "orders") == nil)
        let document = try await profiling.profile(tableID: "orders")
        #expect(document.rowCount == 1)
        #expect(try await profiles.find(tableID: "orders") != nil)
    }

    @Test func aFailureIsRecordedNotRetriedForTheSameFileAndNeverStopsTheOthers() async throws {
        let fixture = try await DataFixture()
        let profiling = service(fixture)
        try fixture.writeSource("sales", tables: ["broken": "SELECT 1 AS id", "fine": "SELECT 2 AS id"])
        _ = try await fixture.orchestrator.rebuild()
        let served = try await #require(fixture.analytics.generation).servedTables()
        let file = try #require(served["broken"]?.file)
        try Data(repeating: 0x2A, count: 64).write(to: file)
        profiling.scheduleAfterRebuild()
        await profiling.waitUntilIdle()
        let failure = try #require(profiling.failures["broken"])
        #expect(failure.md5 == served["broken"]?.md5 && !failure.message.isEmpty)
        let profiles = DuckDBTableProfileRepository(store: fixture.store)
        #expect(try await profiles.list().map(\.tableID) == ["fine"])
        profiling.scheduleAfterRebuild()
        await profiling.waitUntilIdle()
        #expect(profiling.failures["broken"]?.failedAt == failure.failedAt)
        await #expect(throws: ProfilingError.self) { try await profiling.profile(tableID: "broken") }
    }

    /// A process about to exit stops the background pass: it returns with no pass running, records no
    /// failure for the table it interrupted, and a later request starts a pass that finishes the work.
    @Test func stoppingTheBackgroundPassLeavesNoPassAndNoFalseFailures() async throws {
        let fixture = try await DataFixture()
        let profiling = service(fixture)
        var tables: [String: String] = [:]
        for index in 0..<12 { tables["t\(index)"] = "SELECT range AS id, range % 7 AS k FROM range(50000)" }
        try fixture.writeSource("many", tables: tables)
        _ = try await fixture.orchestrator.rebuild()
        profiling.scheduleAfterRebuild()
        await profiling.stopBackground()
        #expect(profiling.failures.isEmpty)
        let profiles = DuckDBTableProfileRepository(store: fixture.store)
        profiling.scheduleAfterRebuild()
        await profiling.waitUntilIdle()
        #expect(try await profiles.list().count == 12)
        #expect(profiling.failures.isEmpty)
    }

    @Test func aTableWithoutLocalDataCannotBeProfiled() async throws {
        let fixture = try await DataFixture()
        let profiling = service(fixture)
        await #expect(throws: ProfilingError.noLocalData("orders")) { try await profiling.profile(tableID: "orders") }
        try fixture.writeSource("sales", tables: ["orders": "SELECT 1 AS id"])
        _ = try await fixture.orchestrator.rebuild()
        await #expect(throws: ProfilingError.noLocalData("nope")) { try await profiling.profile(tableID: "nope") }
    }

    @Test func concurrentRequestsAllSucceedOneAfterTheOther() async throws {
        let fixture = try await DataFixture()
        let profiling = service(fixture)
        try fixture.writeSource("sales", tables: ["a": "SELECT range AS id FROM range(50000)"])
        _ = try await fixture.orchestrator.rebuild()
        let rows = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<3 { group.addTask { try await profiling.profile(tableID: "a").rowCount } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(rows == [50000, 50000, 50000])
    }

    @Test func theLaneRunsOneBodyAtATime() async {
        let lane = SerialLane()
        let probe = ConcurrencyProbe()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await lane.run { () async -> Void in
                        probe.enter()
                        for _ in 0..<5 { await Task.yield() }
                        probe.leave()
                    }
                }
            }
        }
        #expect(probe.state.withLock { $0.peak } == 1)
        #expect(probe.state.withLock { $0.entered } == 8)
    }
}

/// Counts bodies running at once.
final class ConcurrencyProbe: Sendable {
    let state = Mutex((running: 0, peak: 0, entered: 0))

    func enter() {
        state.withLock { state in
            state.running += 1
            state.entered += 1
            state.peak = max(state.peak, state.running)
        }
    }

    func leave() { state.withLock { $0.running -= 1 } }
}
