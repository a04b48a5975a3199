import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/v2/catalog`, `/api/v2/schema/{id}` and `/api/v2/sample/{id}`. Serialized like ``CatalogRoutesTests``.
@Suite(.serialized) struct CatalogV2RoutesTests {
    @Test func theCatalogDescribesEveryReadableTableForClaude() async throws {
        let fixture = try await ServerFixture.fast()
        let callers = try await fixture.catalogData()
        try await fixture.application.test(.router) { client in
            let all = try await client.call(.get, "/api/v2/catalog", as: callers.admin)
            #expect(all.status == .ok && all.object["server_time"] is String)
            let tables = try #require(all.object["tables"] as? [[String: Any]])
            #expect(Set(tables.compactMap { $0["id"] as? String }) == ["bq_events", "orders", "secret"])
            let orders = try #require(tables.first { $0["id"] as? String == "orders" })
            #expect(
                Set(orders.keys) == [
                    "id", "name", "description", "source_type", "query_mode", "sql_flavor", "where_examples",
                    "fetch_via", "rough_size_hint",
                ])
            #expect(orders["sql_flavor"] as? String == "duckdb" && (orders["where_examples"] as? [String]) == [])
            #expect(orders["fetch_via"] as? String == "already local — query directly via `agnes query`")
            #expect(orders["rough_size_hint"] is NSNull && orders["source_type"] as? String == "local")
            let remote = try #require(tables.first { $0["id"] as? String == "bq_events" })
            #expect(
                remote["sql_flavor"] as? String == "bigquery" && (remote["where_examples"] as? [String])?.count == 2)
            #expect(
                remote["fetch_via"] as? String
                    == "agnes snapshot create bq_events --select <cols> --where '<BQ predicate>' --limit <N>")
            #expect(remote["description"] as? String == "")
            let mine = try await client.call(.get, "/api/v2/catalog", as: callers.analyst)
            #expect((mine.object["tables"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["orders"])
            #expect(try await client.call(.get, "/api/v2/catalog", as: nil).status == .unauthorized)
            let raw = try await client.executeRequest(
                uri: "/api/v2/catalog", method: .get, headers: [.authorization: "Bearer \(callers.admin)"], body: nil)
            #expect(raw.headers[.cacheControl] == "no-store", "per caller and read on every request: no cache keeps it")
        }
    }

    @Test func theSchemaDescribesTheServedFileWithColumnDescriptions() async throws {
        let fixture = try await ServerFixture.fast()
        let callers = try await fixture.catalogData()
        try await fixture.application.test(.router) { client in
            let schema = try await client.call(.get, "/api/v2/schema/orders", as: callers.analyst)
            #expect(schema.status == .ok)
            #expect(
                schema.object["table_id"] as? String == "orders" && schema.object["sql_flavor"] as? String == "duckdb")
            #expect(schema.object["source_type"] as? String == "local" && schema.object["partition_by"] is NSNull)
            #expect((schema.object["clustered_by"] as? [String]) == [])
            #expect((schema.object["where_dialect_hints"] as? [String: Any])?.isEmpty == true)
            let columns = try #require(schema.object["columns"] as? [[String: Any]])
            #expect(columns.compactMap { $0["name"] as? String } == ["order_id", "status", "amount", "ordered_at"])
            #expect(columns.compactMap { $0["type"] as? String } == ["BIGINT", "VARCHAR", "DOUBLE", "DATE"])
            #expect(columns.allSatisfy { $0["nullable"] as? Bool == true && $0["description"] as? String == "" })
            _ = try await DuckDBColumnMetadataRepository(store: fixture.services.store).upsert([
                ColumnMetadata(tableID: "orders", columnName: "status", description: "Where the order is")
            ])
            let described = try await client.call(.get, "/api/v2/schema/orders", as: callers.analyst)
            let status = (described.object["columns"] as? [[String: Any]])?.first { $0["name"] as? String == "status" }
            #expect(status?["description"] as? String == "Where the order is")
        }
    }

    @Test func schemaAndSampleAnswer403WithoutAGrantAnd404ForWhatIsNotThere() async throws {
        let fixture = try await ServerFixture.fast()
        let callers = try await fixture.catalogData()
        try await fixture.application.test(.router) { client in
            for path in ["schema", "sample"] {
                for table in ["secret", "nope", "bq_events"] {
                    let denied = try await client.call(.get, "/api/v2/\(path)/\(table)", as: callers.analyst)
                    #expect(denied.status == .forbidden && denied.detail == "not authorized for this table")
                }
                let unknown = try await client.call(.get, "/api/v2/\(path)/nope", as: callers.admin)
                #expect(unknown.status == .notFound && unknown.detail == "table 'nope' not found")
                let remote = try await client.call(.get, "/api/v2/\(path)/bq_events", as: callers.admin)
                #expect(remote.status == .notFound)
                #expect(remote.detail == "table 'bq_events' has no local data (query mode remote)")
                #expect(try await client.call(.get, "/api/v2/\(path)/orders", as: nil).status == .unauthorized)
            }
        }
    }

    @Test func aSampleHasTypedValuesAndNBetween1And100() async throws {
        let fixture = try await ServerFixture.fast()
        let callers = try await fixture.catalogData()
        try await fixture.application.test(.router) { client in
            let sample = try await client.call(.get, "/api/v2/sample/orders?n=2", as: callers.analyst)
            #expect(sample.status == .ok)
            #expect(sample.object["table_id"] as? String == "orders" && sample.object["source"] as? String == "local")
            let rows = try #require(sample.object["rows"] as? [[String: Any]])
            #expect(rows.count == 2)
            #expect(rows[0]["order_id"] as? Int == 1 && rows[0]["status"] as? String == "paid")
            #expect(rows[0]["amount"] as? Double == 10.5 && rows[0]["ordered_at"] as? String == "2024-01-01")
            let defaults = try await client.call(.get, "/api/v2/sample/orders", as: callers.analyst)
            #expect((defaults.object["rows"] as? [[String: Any]])?.count == 5)
            let nulls = try await client.call(.get, "/api/v2/sample/orders?n=100", as: callers.admin)
            let third = (nulls.object["rows"] as? [[String: Any]])?[2]
            #expect(third?["amount"] is NSNull)
            for bad in ["0", "101", "abc", "-3", ""] {
                let rejected = try await client.call(.get, "/api/v2/sample/orders?n=\(bad)", as: callers.analyst)
                #expect(rejected.status == .unprocessableContent)
                #expect(rejected.detail == "n must be an integer from 1 to 100")
            }
        }
    }

    @Test func schemaAndSampleFollowTheGenerationNotAClock() async throws {
        let fixture = try await ServerFixture.fast()
        let callers = try await fixture.catalogData()
        try await fixture.application.test(.router) { client in
            let before = try await client.call(.get, "/api/v2/schema/orders", as: callers.admin)
            #expect((before.object["columns"] as? [[String: Any]])?.count == 4)
            _ = try await client.call(.get, "/api/v2/sample/orders?n=1", as: callers.admin)
            try await fixture.resync("orders.csv", "order_id,note\n42,changed\n")
            let after = try await client.call(.get, "/api/v2/schema/orders", as: callers.admin)
            let names = (after.object["columns"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["order_id", "note"])
            let sample = try await client.call(.get, "/api/v2/sample/orders?n=1", as: callers.admin)
            #expect((sample.object["rows"] as? [[String: Any]])?.first?["note"] as? String == "changed")
        }
    }

    @Test func sampleAndProfileRowsKeepTheTablesColumnOrder() async throws {
        let fixture = try await ServerFixture.fast()
        let callers = try await fixture.catalogData()
        try await fixture.resync("orders.csv", "zeta,alpha,mid,b_col,a_col\n1,x,2.5,true,\"a\"\"q\"\n")
        try await fixture.application.test(.router) { client in
            func text(_ uri: String) async throws -> String {
                let response = try await client.executeRequest(
                    uri: uri, method: .get, headers: [.authorization: "Bearer \(callers.admin)"], body: nil)
                #expect(response.status == .ok)
                return String(decoding: response.body.readableBytesView, as: UTF8.self)
            }
            let sample = try await text("/api/v2/sample/orders?n=1")
            #expect(sample.hasPrefix(#"{"table_id":"orders","rows":[{"zeta":1,"alpha":"x","mid":2.5,"b_col":true"#))
            #expect(sample.contains(#""a_col":"a\"q"}],"source":"local"}"#))
            let profile = try await text("/api/catalog/profile/orders")
            let rows = try #require(profile.range(of: #""sample_rows":[{"#))
            let names = ["zeta", "alpha", "mid", "b_col", "a_col"].map { #""\#($0)":"# }
            let positions = names.compactMap { profile.range(of: $0, range: rows.upperBound..<profile.endIndex)?.lowerBound }
            #expect(positions.count == names.count && positions == positions.sorted())
        }
    }
}
