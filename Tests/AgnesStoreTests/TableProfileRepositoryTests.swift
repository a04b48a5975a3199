import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Testing

@Suite struct TableProfileRepositoryTests {
    struct Profile: Codable, Equatable {
        var tableID: String
        var rowCount: Int
        var alerts: [String]
    }

    @Test func savedJSONReadsBackAsTheSameDocument() async throws {
        let profiles = DuckDBTableProfileRepository(store: try await SystemStore.inMemory())
        let json = #"{"tableID": "orders", "rowCount": 42, "alerts": ["missing"]}"#
        let saved = try await profiles.save(tableID: "orders", profileJSON: json)
        #expect(saved.tableID == "orders" && saved.profiledAt != nil)
        let found = try #require(try await profiles.find(tableID: "orders"))
        #expect(try found.decoded(as: Profile.self) == Profile(tableID: "orders", rowCount: 42, alerts: ["missing"]))
        #expect(try await profiles.find(tableID: "missing") == nil)
    }

    @Test func anEncodableProfileIsStoredAsJSON() async throws {
        let profiles = DuckDBTableProfileRepository(store: try await SystemStore.inMemory())
        let profile = Profile(tableID: "orders", rowCount: 7, alerts: [])
        try await profiles.save(tableID: "orders", profile: profile)
        #expect(try await profiles.find(tableID: "orders")?.decoded(as: Profile.self) == profile)
    }

    @Test func savingAgainReplacesTheProfile() async throws {
        let store = try await SystemStore.inMemory()
        let profiles = DuckDBTableProfileRepository(store: store)
        try await profiles.save(tableID: "orders", profile: Profile(tableID: "orders", rowCount: 1, alerts: []))
        try await RegistryFixtures.run(
            store, "UPDATE table_profiles SET profiled_at = ?", [.optional(RegistryFixtures.time)])
        try await profiles.save(tableID: "orders", profile: Profile(tableID: "orders", rowCount: 2, alerts: []))
        let found = try #require(try await profiles.find(tableID: "orders"))
        #expect(try found.decoded(as: Profile.self).rowCount == 2)
        #expect(try #require(found.profiledAt) > RegistryFixtures.time)
        #expect(try await profiles.list().count == 1)
    }

    @Test func textThatIsNotJSONIsRejected() async throws {
        let profiles = DuckDBTableProfileRepository(store: try await SystemStore.inMemory())
        let error = await #expect(throws: StoreError.self) {
            try await profiles.save(tableID: "orders", profileJSON: "{nope")
        }
        #expect(error?.code.rawValue == "invalid_value")
        #expect(try await profiles.find(tableID: "orders") == nil)
    }

    @Test func listGivesIdsWithTheirProfileTimes() async throws {
        let store = try await SystemStore.inMemory()
        let profiles = DuckDBTableProfileRepository(store: store)
        for table in ["orders", "customers"] { try await profiles.save(tableID: table, profileJSON: "{}") }
        try await RegistryFixtures.run(
            store, "UPDATE table_profiles SET profiled_at = ? WHERE table_id = 'orders'",
            [.optional(RegistryFixtures.time)])
        let listed = try await profiles.list()
        #expect(listed.map(\.tableID) == ["customers", "orders"])
        #expect(listed[1].profiledAt == RegistryFixtures.time && listed[0].profiledAt != nil)
    }

    @Test func deleteRemovesOnlyThatProfile() async throws {
        let profiles = DuckDBTableProfileRepository(store: try await SystemStore.inMemory())
        for table in ["orders", "customers"] { try await profiles.save(tableID: table, profileJSON: "{}") }
        #expect(try await profiles.delete(tableID: "orders"))
        #expect(try await profiles.delete(tableID: "orders") == false)
        #expect(try await profiles.list().map(\.tableID) == ["customers"])
    }
}
