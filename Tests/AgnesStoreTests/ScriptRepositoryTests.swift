import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct ScriptRepositoryTests {
    @Test func deployFindAndList() async throws {
        let scripts = DuckDBScriptRepository(store: try await SystemStore.inMemory())
        let report = try await scripts.deploy(
            name: "report", source: "print(1)", schedule: "daily 08:00", owner: "admin", at: FixedInstant.base)
        let cleanup = try await scripts.deploy(
            name: "cleanup", source: "print(2)", schedule: nil, owner: nil, at: FixedInstant.plus(1))
        #expect(report.id != cleanup.id)
        #expect(
            report
                == DeployedScript(
                    id: report.id, name: "report", owner: "admin", schedule: "daily 08:00", source: "print(1)",
                    deployedAt: FixedInstant.base))
        #expect(try await scripts.find(id: report.id) == report)
        #expect(try await scripts.find(id: "missing") == nil)
        #expect(try await scripts.list().map(\.name) == ["cleanup", "report"])
    }

    @Test func deleteReportsWhetherItExisted() async throws {
        let scripts = DuckDBScriptRepository(store: try await SystemStore.inMemory())
        let script = try await scripts.deploy(
            name: "x", source: "pass", schedule: nil, owner: nil, at: FixedInstant.base)
        #expect(try await scripts.delete(id: script.id))
        #expect(try await scripts.delete(id: script.id) == false)
        #expect(try await scripts.list().isEmpty)
    }

    @Test func recordRunStoresStatusAndStart() async throws {
        let scripts = DuckDBScriptRepository(store: try await SystemStore.inMemory())
        let script = try await scripts.deploy(
            name: "x", source: "pass", schedule: nil, owner: nil, at: FixedInstant.base)
        try await scripts.recordRun(id: script.id, status: .running, startedAt: FixedInstant.plus(10))
        try await scripts.recordRun(id: script.id, status: .failure, startedAt: FixedInstant.plus(10))
        let ran = try #require(try await scripts.find(id: script.id))
        #expect(ran.lastStatus == .failure && ran.lastRun == FixedInstant.plus(10))
        let missing = await #expect(throws: StoreError.self) {
            try await scripts.recordRun(id: "missing", status: .success, startedAt: FixedInstant.base)
        }
        #expect(missing?.code == .notFound)
    }

    @Test func onlyOneClaimWinsUntilTheRunEnds() async throws {
        let scripts = DuckDBScriptRepository(store: try await SystemStore.inMemory())
        let script = try await scripts.deploy(
            name: "x", source: "pass", schedule: "hourly", owner: nil, at: FixedInstant.base)
        #expect(try await scripts.claimRun(id: script.id, at: FixedInstant.plus(1)))
        #expect(try await scripts.claimRun(id: script.id, at: FixedInstant.plus(2)) == false)
        #expect(try await scripts.find(id: script.id)?.lastRun == FixedInstant.plus(1))
        try await scripts.recordRun(id: script.id, status: .success, startedAt: FixedInstant.plus(1))
        #expect(try await scripts.claimRun(id: script.id, at: FixedInstant.plus(3)))
        #expect(try await scripts.claimRun(id: "missing", at: FixedInstant.plus(3)) == false)
    }
}
