import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET`/`POST /api/admin/metadata/{table_id}`: column documentation, readable only with table access.
@Suite struct ColumnMetadataRoutesTests {
    static var columns: [String: Any?] {
        [
            "columns": [
                ["column_name": "amount", "basetype": "NUMERIC", "description": "Net amount in USD"],
                ["column_name": "region", "description": "Sales region", "confidence": "high"],
            ]
        ]
    }

    static let wireKeys: Set<String> = [
        "table_id", "column_name", "basetype", "description", "tags", "confidence", "source", "updated_at",
    ]

    @Test func adminsSaveAndReadersWithAGrantRead() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.analyst()
        try await fixture.registerTable("orders")
        try await fixture.grantTables(["orders"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let saved = try await client.call(.post, "/api/admin/metadata/orders", as: root.token, body: Self.columns)
            #expect(saved.status == .ok)
            #expect(saved.object["status"] as? String == "ok")
            #expect(saved.object["count"] as? Int == 2)
            let read = try await client.call(.get, "/api/admin/metadata/orders", as: ana.token)
            #expect(read.status == .ok)
            #expect(read.object["table_id"] as? String == "orders")
            let rows = read.object["columns"] as? [[String: Any]] ?? []
            #expect(rows.map { Set($0.keys) } == [Self.wireKeys, Self.wireKeys])
            #expect(rows.compactMap { $0["column_name"] as? String } == ["amount", "region"])
            #expect(rows.first?["confidence"] as? String == "manual")
            #expect(rows.first?["source"] as? String == "manual")
            #expect(rows.last?["confidence"] as? String == "high")
            #expect(rows.last?["basetype"] is NSNull)

            let replaced = try await client.call(
                .post, "/api/admin/metadata/orders", as: root.token,
                body: ["columns": [["column_name": "amount", "description": "Gross amount"]]])
            #expect(replaced.object["count"] as? Int == 1)
            let again = try await client.call(.get, "/api/admin/metadata/orders", as: root.token)
            let amount = (again.object["columns"] as? [[String: Any]])?.first
            #expect(amount?["description"] as? String == "Gross amount")
            #expect(amount?["basetype"] is NSNull)
            #expect((again.object["columns"] as? [Any])?.count == 2)
        }
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == ["column_metadata.save", "column_metadata.save"])
        #expect(audit.first?.resource == "table:orders")
        #expect(audit.first?.params == ["count": "2"])
    }

    @Test func callersWithoutAGrantLearnNothing() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.registerTable("orders")
        try await fixture.registerTable("payroll")
        try await fixture.grantTables(["orders"], to: ana.id)
        try await DuckDBColumnMetadataRepository(store: fixture.services.store).upsert(
            ColumnMetadata(tableID: "payroll", columnName: "salary", description: "Gross salary"))
        try await fixture.application.test(.router) { client in
            let secret = try await client.call(.get, "/api/admin/metadata/payroll", as: ana.token)
            #expect(secret.status == .forbidden)
            #expect(secret.detail == "Access denied to table 'payroll'")
            // The same answer for a table that does not exist: existence is not revealed either.
            let missing = try await client.call(.get, "/api/admin/metadata/nothing", as: ana.token)
            #expect(missing.status == .forbidden)
            #expect(missing.detail == "Access denied to table 'nothing'")
            let anonymous = try await client.call(.get, "/api/admin/metadata/orders", as: nil)
            #expect(anonymous.status == .unauthorized)
            let write = try await client.call(.post, "/api/admin/metadata/orders", as: ana.token, body: Self.columns)
            #expect(write.status == .forbidden)
            #expect(write.detail == "Admin access required")
            let anonymousWrite = try await client.call(.post, "/api/admin/metadata/orders", as: nil, body: Self.columns)
            #expect(anonymousWrite.status == .unauthorized)
        }
        #expect(try await DuckDBColumnMetadataRepository(store: fixture.services.store).list(tableID: "orders").isEmpty)
    }

    @Test func unknownTablesAre404ForThoseWhoMayAsk() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.analyst()
        try await fixture.grantTables(["planned"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let read = try await client.call(.get, "/api/admin/metadata/nothing", as: root.token)
            #expect(read.status == .notFound)
            #expect(read.detail == "Table not found: nothing")
            let granted = try await client.call(.get, "/api/admin/metadata/planned", as: ana.token)
            #expect(granted.status == .notFound)
            let write = try await client.call(.post, "/api/admin/metadata/nothing", as: root.token, body: Self.columns)
            #expect(write.status == .notFound)
            #expect(write.detail == "Table not found: nothing")
        }
        #expect(
            try await DuckDBColumnMetadataRepository(store: fixture.services.store).list(tableID: "nothing").isEmpty)
    }

    @Test(arguments: [
        (#"{}"#, "field required: columns"), (#"{"columns": [{"description": "x"}]}"#, "field required: column_name"),
        (#"{"columns": [{"column_name": " "}]}"#, "column_name must not be empty"),
        (#"{"columns": "amount"}"#, "invalid type for columns"), ("not json", "the body is not valid JSON"),
    ])
    func badBodiesAre422(json: String, detail: String) async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.registerTable("orders")
        try await fixture.application.test(.router) { client in
            let reply = try await client.send(
                .post, "/api/admin/metadata/orders", as: root.token, contentType: "application/json",
                bytes: Array(json.utf8))
            #expect(reply.status == .unprocessableContent)
            #expect(reply.detail?.hasPrefix(detail) == true)
        }
        #expect(try await DuckDBColumnMetadataRepository(store: fixture.services.store).list(tableID: "orders").isEmpty)
    }
}
