import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct UserSyncSettingsRepositoryTests {
    @Test func saveRoundTripsTheTableList() async throws {
        let settings = DuckDBUserSyncSettingsRepository(store: try await SystemStore.inMemory())
        let setting = UserSyncSetting(
            userID: "u1", dataset: "sales", isEnabled: true, tableMode: "selected", tables: ["orders", "refunds"])
        let saved = try await settings.save(setting)
        var expected = setting
        expected.updatedAt = saved.updatedAt
        #expect(saved == expected && saved.updatedAt != nil)
        #expect(try await settings.find(userID: "u1", dataset: "sales") == expected)
        #expect(try await settings.find(userID: "u1", dataset: "missing") == nil)
    }

    @Test func savingAgainReplacesTheSetting() async throws {
        let settings = DuckDBUserSyncSettingsRepository(store: try await SystemStore.inMemory())
        try await settings.save(UserSyncSetting(userID: "u1", dataset: "sales", isEnabled: true, tables: ["orders"]))
        try await settings.save(UserSyncSetting(userID: "u1", dataset: "sales"))
        let found = try #require(try await settings.find(userID: "u1", dataset: "sales"))
        #expect(!found.isEnabled && found.tableMode == "all" && found.tables.isEmpty)
        #expect(try await settings.list(userID: "u1").count == 1)
    }

    @Test func listGivesOneUsersSettingsByDataset() async throws {
        let settings = DuckDBUserSyncSettingsRepository(store: try await SystemStore.inMemory())
        for (user, dataset) in [("u1", "sales"), ("u2", "hr"), ("u1", "finance")] {
            try await settings.save(UserSyncSetting(userID: user, dataset: dataset, isEnabled: true))
        }
        #expect(try await settings.list(userID: "u1").map(\.dataset) == ["finance", "sales"])
        #expect(try await settings.list(userID: "u3").isEmpty)
    }

    @Test func nullColumnsReadAsDefaults() async throws {
        let store = try await SystemStore.inMemory()
        try await RegistryFixtures.run(
            store,
            "INSERT INTO user_sync_settings (user_id, dataset, enabled, table_mode) VALUES ('u1', 'sales', NULL, NULL)")
        let found = try #require(
            try await DuckDBUserSyncSettingsRepository(store: store).find(userID: "u1", dataset: "sales"))
        #expect(found == UserSyncSetting(userID: "u1", dataset: "sales"))
    }

    @Test func tablesThatAreNotAListAreACorruptRow() async throws {
        let store = try await SystemStore.inMemory()
        try await RegistryFixtures.run(
            store,
            #"INSERT INTO user_sync_settings (user_id, dataset, tables) VALUES ('u1', 'sales', '{"orders": true}')"#)
        let error = await #expect(throws: StoreError.self) {
            try await DuckDBUserSyncSettingsRepository(store: store).find(userID: "u1", dataset: "sales")
        }
        #expect(error?.code == .corruptRow)
    }
}
