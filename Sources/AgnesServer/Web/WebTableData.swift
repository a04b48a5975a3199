import AgnesCore
import AgnesStore
import Foundation

/// What the table lists of the web UI read (the catalog, the dashboard, the query console, the admin's
/// table list): every registration sorted by id, the sync states, the documented descriptions and the
/// tables that need attention. It is read once per store write (``StoreRowCache``: any registration,
/// sync, grant or edit is seen by the very next page) and for 30 s at most, so a page of a long list
/// does not decode a thousand registrations each time.
///
/// ```swift
/// let data = try await WebTableData.current(services)
/// let visible = data.registrations.filter { readable?.contains($0.id) ?? true }
/// ```
struct WebTableData: Sendable {
    let registrations: [TableRegistration]
    let states: [String: SyncState]
    let descriptions: [String: String]
    let attention: [String: (id: String, isStale: Bool, isFailing: Bool)]

    static func current(_ services: AgnesServices, now: Date = Date()) async throws -> WebTableData {
        let store = services.store
        let read = { () async throws -> WebTableData in
            async let registered = DuckDBTableRegistryRepository(store: store).list(sourceType: nil)
            async let states = DuckDBSyncStateRepository(store: store).list()
            async let documented = DuckDBTableMetadataRepository(store: store).descriptions()
            async let attention = SyncRunRepository(store: store).tablesNeedingAttention(
                staleBefore: now.addingTimeInterval(-DashboardPage.staleAfter))
            return WebTableData(
                registrations: try await registered.sorted { $0.id < $1.id },
                states: Dictionary(try await states.map { ($0.tableID, $0) }) { first, _ in first },
                descriptions: try await documented,
                attention: Dictionary(try await attention.map { ($0.id, $0) }) { first, _ in first })
        }
        if let cached = try await services.webTables.value(for: "tables", now: now, read: read) { return cached }
        return try await read()  // not reached: `read` always answers, so the cache does too
    }
}
