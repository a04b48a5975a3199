import AgnesCore
import AgnesData
import AgnesServer
import AgnesStore
import DuckDB
import Foundation
import Testing

@Suite struct DemoBootstrapTests {
    @Test func demoOnAnEmptyDataDirGeneratesRegistersRebuildsAndCreatesAnAdmin() async throws {
        let fixture = try await ServerFixture()
        let size = DemoData.Size(orders: 300_000, customers: 1_000, events: 20_000)
        let report = try await ServerBootstrap.run(services: fixture.services, demo: true, demoSize: size)
        #expect(report.generatedDemo)
        #expect(report.rebuild?.sources == ["local": ["customers", "events", "orders"]])
        let admin = try #require(report.generatedAdmin)
        #expect(admin.email == "admin@localhost" && admin.password.count == 20)
        let users = DuckDBUserRepository(store: fixture.services.store)
        let user = try #require(try await users.find(email: "admin@localhost"))
        #expect(user.passwordHash?.hasPrefix("$2") == true)
        #expect(try await DuckDBGroupRepository(store: fixture.services.store).isAdmin(userID: user.id))
        #expect(
            try await DuckDBTableRegistryRepository(store: fixture.services.store).list(sourceType: "local").map(\.id)
                == ["customers", "events", "orders"])
        let counts = try await fixture.services.analytics.withConnection { connection in
            try connection.query(
                "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM customers), (SELECT count(*) FROM events), (SELECT count(*) FROM orders WHERE channel IS NULL) > 0"
            ).rows[0]
        }
        #expect(counts == [.bigint(300_000), .bigint(1_000), .bigint(20_000), .boolean(true)])
        let types = try await fixture.services.analytics.withConnection { connection in
            try connection.query("SELECT typeof(ordered_at), typeof(unit_price), typeof(status) FROM orders LIMIT 1")
                .rows[0].map(\.description)
        }
        #expect(types == ["TIMESTAMP", "DECIMAL(10,2)", "VARCHAR"])
        // Row groups of the published parquet: full groups of 245,760 rows, then the remainder.
        let file = fixture.services.layout.dataFile(source: Identifier("local")!, table: Identifier("orders")!)
        let groups = try Database().connect().query(
            "SELECT row_group_num_rows FROM parquet_metadata(?) GROUP BY row_group_id, row_group_num_rows ORDER BY row_group_id",
            [.varchar(file.path)]
        ).rows.compactMap { $0[0].int }
        #expect(groups == [245_760, 54_240])
        // A second start neither regenerates nor creates another admin.
        let again = try await ServerBootstrap.run(services: fixture.services, demo: true, demoSize: size)
        #expect(!again.generatedDemo && again.generatedAdmin == nil)
        #expect(try await users.count() == 1)
    }

    @Test func seedAdminFromTheEnvironmentGetsItsPasswordOnce() async throws {
        let fixture = try await ServerFixture {
            var settings = AgnesSettings(dataDir: $0)
            settings.seedAdminEmail = "boss@example.com"
            settings.seedAdminPassword = "correct horse battery"
            return settings
        }
        let report = try await ServerBootstrap.run(services: fixture.services, demo: false)
        #expect(report.generatedAdmin == nil)
        let users = DuckDBUserRepository(store: fixture.services.store)
        let user = try #require(try await users.find(email: "boss@example.com"))
        let firstHash = try #require(user.passwordHash)
        _ = try await ServerBootstrap.run(services: fixture.services, demo: false)
        #expect(try await users.find(email: "boss@example.com")?.passwordHash == firstHash)
        #expect(try await DuckDBGroupRepository(store: fixture.services.store).isAdmin(userID: user.id))
    }
}
