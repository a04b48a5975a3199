import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Testing

@Suite struct TableRegistryRepositoryTests {
    static let orders = TableRegistration(
        id: "in_c_orders", name: "orders", sourceType: "keboola", bucket: "in.c-sales", sourceTable: "orders",
        sourceQuery: "SELECT * FROM kbc.orders", syncStrategy: .incremental, queryMode: .materialized,
        syncSchedule: "every 1h", profileAfterSync: false, primaryKey: ["order_id", "line"], folder: "sales",
        description: "All orders", registeredBy: "admin@example.com", registeredAt: RegistryFixtures.time)

    @Test func registerRoundTripsEveryColumn() async throws {
        let registry = DuckDBTableRegistryRepository(store: try await SystemStore.inMemory())
        #expect(try await registry.register(Self.orders) == Self.orders)
        #expect(try await registry.find(id: Self.orders.id) == Self.orders)
    }

    @Test func defaultsAndEmptyPrimaryKeyAreStoredAsNull() async throws {
        let store = try await SystemStore.inMemory()
        let registry = DuckDBTableRegistryRepository(store: store)
        let stored = try await registry.register(TableRegistration(id: "t", name: "T"))
        #expect(stored.queryMode == .local && stored.syncStrategy == .fullRefresh && stored.profileAfterSync)
        #expect(stored.primaryKey.isEmpty && stored.sourceType == nil && stored.registeredAt != nil)
        #expect(
            try await RegistryFixtures.value(store, "SELECT primary_key FROM table_registry WHERE id = 't'") == .null)
    }

    @Test func registeringAgainReplacesTheRowAndItsTime() async throws {
        let registry = DuckDBTableRegistryRepository(store: try await SystemStore.inMemory())
        _ = try await registry.register(Self.orders)
        let again = try await registry.register(TableRegistration(id: Self.orders.id, name: "orders v2"))
        #expect(again.name == "orders v2" && again.description == nil && again.primaryKey.isEmpty)
        #expect(try #require(again.registeredAt) > RegistryFixtures.time)
        #expect(try await registry.list(sourceType: nil).map(\.id) == [Self.orders.id])
    }

    @Test func listFiltersBySourceTypeAndOrdersByName() async throws {
        let registry = DuckDBTableRegistryRepository(store: try await SystemStore.inMemory())
        for (id, name, type) in [("b", "beta", "bigquery"), ("a", "alpha", "keboola"), ("c", "gamma", "keboola")] {
            _ = try await registry.register(TableRegistration(id: id, name: name, sourceType: type))
        }
        #expect(try await registry.list(sourceType: nil).map(\.name) == ["alpha", "beta", "gamma"])
        #expect(try await registry.list(sourceType: "keboola").map(\.id) == ["a", "c"])
        #expect(try await registry.list(sourceType: "jira").isEmpty)
    }

    @Test func updateChangesOnlyTheGivenFields() async throws {
        let registry = DuckDBTableRegistryRepository(store: try await SystemStore.inMemory())
        _ = try await registry.register(Self.orders)
        var changes = TableRegistrationChanges()
        changes.queryMode = .local
        changes.sourceQuery = .some(nil)
        changes.primaryKey = ["order_id"]
        changes.description = "Orders, deduplicated"
        let updated = try #require(try await registry.update(id: Self.orders.id, changes))
        var expected = Self.orders
        expected.queryMode = .local
        expected.sourceQuery = nil
        expected.primaryKey = ["order_id"]
        expected.description = "Orders, deduplicated"
        #expect(updated == expected)
        #expect(try await registry.find(id: Self.orders.id) == expected)
    }

    @Test func updatingAMissingTableReturnsNil() async throws {
        let registry = DuckDBTableRegistryRepository(store: try await SystemStore.inMemory())
        var changes = TableRegistrationChanges()
        changes.name = "x"
        #expect(try await registry.update(id: "missing", changes) == nil)
        #expect(try await registry.list(sourceType: nil).isEmpty)
    }

    @Test func unregisterDeletesTheRowAndEveryChild() async throws {
        let store = try await SystemStore.inMemory()
        let registry = DuckDBTableRegistryRepository(store: store)
        let grants = DuckDBGrantRepository(store: store)
        let group = try await DuckDBGroupRepository(store: store).create(
            name: "Analysts", description: nil, createdBy: nil)
        _ = try await registry.register(Self.orders)
        _ = try await registry.register(TableRegistration(id: "customers", name: "customers"))
        for table in ["orders", "customers"] {
            try await Self.plantChildren(store, tableID: table, key: table == "orders" ? Self.orders.id : table)
        }
        _ = try await grants.grant(groupID: group.id, type: .table, resourceID: Self.orders.id, by: nil)
        _ = try await grants.grant(groupID: group.id, type: .table, resourceID: "customers", by: nil)
        _ = try await grants.grant(groupID: group.id, type: .memoryDomain, resourceID: Self.orders.id, by: nil)

        #expect(try await registry.unregister(id: Self.orders.id))

        #expect(try await registry.find(id: Self.orders.id) == nil)
        for (table, key) in [
            ("sync_state", "orders"), ("sync_history", "orders"), ("table_profiles", "orders"),
            ("column_metadata", Self.orders.id),
        ] {
            #expect(try await RegistryFixtures.count(store, in: table, where: "table_id", is: key) == 0, "\(table)")
            #expect(
                try await RegistryFixtures.count(store, in: table, where: "table_id", is: "customers") == 1, "\(table)")
        }
        let remaining = try await grants.list(groupID: nil, type: nil).map {
            "\($0.resourceType.rawValue):\($0.resourceID)"
        }
        #expect(Set(remaining) == ["table:customers", "memory_domain:\(Self.orders.id)"])
        #expect(try await registry.unregister(id: Self.orders.id) == false)
    }

    @Test func unregisterKeepsRowsKeyedByAnotherTablesName() async throws {
        let store = try await SystemStore.inMemory()
        let registry = DuckDBTableRegistryRepository(store: store)
        _ = try await registry.register(TableRegistration(id: "first", name: "shared"))
        _ = try await registry.register(TableRegistration(id: "second", name: "shared"))
        try await Self.plantChildren(store, tableID: "shared", key: "first")
        #expect(try await registry.unregister(id: "first"))
        #expect(try await RegistryFixtures.count(store, in: "sync_state", where: "table_id", is: "shared") == 1)
        #expect(try await RegistryFixtures.count(store, in: "column_metadata", where: "table_id", is: "first") == 0)
    }

    @Test(arguments: [("[\"a\",\"b\"]", ["a", "b"]), ("\"a\"", ["a"]), ("a", ["a"]), ("", [])])
    func legacyPrimaryKeysAreRead(stored: String, expected: [String]) async throws {
        let store = try await SystemStore.inMemory()
        try await RegistryFixtures.run(
            store, "INSERT INTO table_registry (id, name, primary_key) VALUES ('t', 't', ?)", [.varchar(stored)])
        #expect(try await DuckDBTableRegistryRepository(store: store).find(id: "t")?.primaryKey == expected)
    }

    @Test func anUnknownQueryModeIsACorruptRow() async throws {
        let store = try await SystemStore.inMemory()
        try await RegistryFixtures.run(
            store, "INSERT INTO table_registry (id, name, query_mode) VALUES ('t', 't', 'cached')")
        let error = await #expect(throws: StoreError.self) {
            try await DuckDBTableRegistryRepository(store: store).find(id: "t")
        }
        #expect(error?.code == .corruptRow)
    }

    /// One row in each child table: sync state, history and profile by name, column metadata by `key`.
    static func plantChildren(_ store: SystemStore, tableID name: String, key: String) async throws {
        let sync = DuckDBSyncStateRepository(store: store)
        _ = try await sync.recordSync(SyncState(tableID: name, rows: 1), durationMS: 5)
        try await DuckDBTableProfileRepository(store: store).save(tableID: name, profileJSON: "{}")
        try await DuckDBColumnMetadataRepository(store: store).upsert(ColumnMetadata(tableID: key, columnName: "id"))
    }
}
