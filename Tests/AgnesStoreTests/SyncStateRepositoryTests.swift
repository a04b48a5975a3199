import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct SyncStateRepositoryTests {
    static let synced = SyncState(
        tableID: "orders", lastSync: RegistryFixtures.time, rows: 1_200, fileSizeBytes: 4_096,
        uncompressedSizeBytes: 10_000, columns: 7, hash: "0123456789abcdef0123456789abcdef")

    @Test func upsertRoundTripsAndReplacesEveryColumn() async throws {
        let states = DuckDBSyncStateRepository(store: try await SystemStore.inMemory())
        #expect(try await states.upsert(Self.synced) == Self.synced)
        let bare = SyncState(tableID: "orders", hash: "")
        #expect(try await states.upsert(bare) == bare)
        #expect(try await states.find(tableID: "orders") == bare)
        #expect(try await states.find(tableID: "missing") == nil)
    }

    @Test func setErrorKeepsTheLastGoodSync() async throws {
        let states = DuckDBSyncStateRepository(store: try await SystemStore.inMemory())
        _ = try await states.upsert(Self.synced)
        try await states.setError(tableID: "orders", message: "budget exceeded")
        var expected = Self.synced
        expected.status = "error"
        expected.error = "budget exceeded"
        let failed = try #require(try await states.find(tableID: "orders"))
        #expect(failed == expected && failed.isFailed)
    }

    @Test func setErrorCreatesANeverSyncedState() async throws {
        let states = DuckDBSyncStateRepository(store: try await SystemStore.inMemory())
        try await states.setError(tableID: "orders", message: "boom")
        #expect(
            try await states.find(tableID: "orders") == SyncState(tableID: "orders", status: "error", error: "boom"))
    }

    @Test func recordSyncClearsTheErrorAndAppendsHistory() async throws {
        let states = DuckDBSyncStateRepository(store: try await SystemStore.inMemory())
        try await states.setError(tableID: "orders", message: "boom")
        var state = Self.synced
        state.lastSync = nil
        state.status = "error"
        let recorded = try await states.recordSync(state, durationMS: 250)
        #expect(recorded.status == "ok" && recorded.error == nil && recorded.hash == Self.synced.hash)
        let lastSync = try #require(recorded.lastSync)
        let history = try await states.recentHistory(tableID: "orders", limit: 10)
        #expect(history.count == 1)
        #expect(history.first?.syncedAt == lastSync && history.first?.rows == 1_200)
        #expect(history.first?.durationMS == 250 && history.first?.status == "ok" && history.first?.error == nil)
    }

    @Test func listIsOrderedByTable() async throws {
        let states = DuckDBSyncStateRepository(store: try await SystemStore.inMemory())
        for table in ["b", "c", "a"] { _ = try await states.upsert(SyncState(tableID: table)) }
        #expect(try await states.list().map(\.tableID) == ["a", "b", "c"])
    }

    @Test func deleteRemovesStateAndHistory() async throws {
        let store = try await SystemStore.inMemory()
        let states = DuckDBSyncStateRepository(store: store)
        _ = try await states.recordSync(Self.synced, durationMS: nil)
        _ = try await states.recordSync(SyncState(tableID: "customers"), durationMS: nil)
        #expect(try await states.delete(tableID: "orders"))
        #expect(try await states.find(tableID: "orders") == nil)
        #expect(try await states.recentHistory(tableID: "orders", limit: 5).isEmpty)
        #expect(try await states.recentHistory(tableID: "customers", limit: 5).count == 1)
        #expect(try await states.delete(tableID: "orders") == false)
    }

    @Test func recentHistoryIsNewestFirstAndLimited() async throws {
        let states = DuckDBSyncStateRepository(store: try await SystemStore.inMemory())
        var ids: [String] = []
        for minute in 0..<3 {
            let entry = try await states.appendHistory(
                tableID: "orders", syncedAt: RegistryFixtures.time.addingTimeInterval(Double(minute) * 60),
                rows: minute,
                durationMS: 10, status: minute == 1 ? "error" : "ok", error: minute == 1 ? "timeout" : nil)
            #expect(entry.tableID == "orders" && entry.rows == minute)
            ids.append(entry.id)
        }
        try await states.appendHistory(
            tableID: "customers", syncedAt: RegistryFixtures.time, rows: nil, durationMS: nil, status: "ok", error: nil)
        #expect(Set(ids).count == 3)
        let recent = try await states.recentHistory(tableID: "orders", limit: 2)
        #expect(recent.map(\.id) == [ids[2], ids[1]])
        #expect(recent[1].status == "error" && recent[1].error == "timeout")
        #expect(try await states.recentHistory(tableID: "orders", limit: 0).isEmpty)
    }
}
