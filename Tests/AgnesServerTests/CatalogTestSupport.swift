import AgnesCore
import AgnesData
import AgnesServer
import AgnesStore
import Foundation

/// Tokens of the two callers the catalog tests use.
struct CatalogCallers {
    /// An admin: reads every table.
    let admin: String
    /// A member of `Analysts`, whose only grant is the table `orders`.
    let analyst: String
}

extension ServerFixture {
    static let ordersCSV = """
        order_id,status,amount,ordered_at
        1,paid,10.5,2024-01-01
        2,paid,20,2024-02-01
        3,new,,2024-03-01
        4,paid,5,2024-04-01
        5,cancelled,7.25,2024-05-01

        """

    /// The local tables `orders` and `secret` synced, registered and rebuilt (their profiles made in the
    /// background), a registered remote BigQuery table `bq_events` without local data, an admin and an
    /// analyst who may read only `orders`.
    func catalogData() async throws -> CatalogCallers {
        try await publishLocal(["orders.csv": Self.ordersCSV, "secret.csv": "id,code\n1,x\n2,y\n"])
        _ = try await DuckDBTableRegistryRepository(store: services.store).register(
            TableRegistration(
                id: "bq_events", name: "bq_events", sourceType: "bigquery", bucket: "analytics", sourceTable: "events",
                queryMode: .remote))
        await services.profiling.waitUntilIdle()
        let admin = try await admin().token
        let anaID = try await user("ana@example.com")
        let analyst = try await session(anaID)
        let groups = DuckDBGroupRepository(store: services.store)
        let analysts = try await groups.create(name: "Analysts", description: nil, createdBy: nil)
        try await groups.addMember(userID: anaID, groupID: analysts.id, source: .admin, addedBy: nil)
        _ = try await DuckDBGrantRepository(store: services.store).grant(
            groupID: analysts.id, type: .table, resourceID: "orders", by: nil)
        return CatalogCallers(admin: admin, analyst: analyst)
    }

    /// Replaces a local source file and runs the start-up sync and rebuild again, then waits for the
    /// background profiling.
    func resync(_ file: String, _ contents: String) async throws {
        try await publishLocal([file: contents])
        await services.profiling.waitUntilIdle()
    }
}
