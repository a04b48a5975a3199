import AgnesAuth
import AgnesCore
import AgnesServer
import AgnesStore
import AgnesTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `POST /api/v2/scan/estimate` and `POST /api/v2/scan`.
@Suite struct ScanRoutesTests {
    @Test func aScanIsAnArrowStreamOfTheFilteredRows() async throws {
        let fixture = try await ServerFixture.withTables()
        let token = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            let response = try await client.post(
                "/api/v2/scan", as: token,
                body: [
                    "table_id": "orders", "select": ["id", "STATUS"], "where": "lower(status) = 'paid'",
                    "order_by": ["id DESC"], "limit": 10,
                ])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/vnd.apache.arrow.stream")
            #expect(response.headers[HTTPField.Name("X-Agnes-Rows")!] == "3")
            #expect(response.headers[HTTPField.Name("X-Agnes-Truncated")!] == "false")
            let reader = try ArrowStreamReader(response.bytes)
            #expect(reader.fields.map(\.name) == ["id", "status"])
            #expect(reader.values(0) == [5, 3, 1])
            #expect(reader.values(1) == ["PAID", "paid", "paid"])
            let whole = try await client.post("/api/v2/scan", as: token, body: ["table_id": "orders"])
            let all = try ArrowStreamReader(whole.bytes)
            #expect(all.fields.map(\.name) == ["id", "status", "amount"] && all.rowCount == 5)
        }
        let usage = fixture.services.scanQuota.usage(userID: try await fixture.userID("ana@example.com"))
        #expect(usage.bytesToday > 0 && usage.running == 0)
    }

    /// The stream the route sends, read by Arrow's own reader (pyarrow) rather than ours.
    @Test func pyarrowReadsWhatTheScanRouteSends() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let filtered = try await client.post(
                "/api/v2/scan", as: root.token,
                body: ["table_id": "orders", "where": "amount > 20", "order_by": ["id"]])
            #expect(filtered.status == .ok)
            let table = try PyArrow.read(filtered.bytes)
            #expect(table["rows"] as? Int == 3)
            #expect(table["names"] as? [String] == ["id", "status", "amount"])
            let columns = try #require(table["columns"] as? [String: [Any]])
            #expect(columns["id"] as? [Int] == [2, 3, 5])
            #expect(columns["status"] as? [String] == ["open", "paid", "PAID"])
            #expect(columns["amount"] as? [Double] == [99, 250, 42])
            // Many batches: every number of the 5,000-row table, in order.
            let numbers = try await client.post(
                "/api/v2/scan", as: root.token, body: ["table_id": "numbers", "order_by": ["n"]])
            let all = try PyArrow.read(numbers.bytes)
            #expect(all["rows"] as? Int == 5000)
            let values = try #require(all["columns"] as? [String: [Any]])
            #expect(values["n"] as? [Int] == Array(0..<5000))
            #expect((values["label"] as? [String])?.last == "number 4999")
        }
    }

    @Test func theEstimateIsAnUpperBoundForLocalTables() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let response = try await client.post(
                "/api/v2/scan/estimate", as: root.token, body: ["table_id": "numbers", "select": ["n"], "limit": 20])
            #expect(response.status == .ok)
            let object = response.object
            #expect(
                Set(object.keys) == [
                    "table_id", "estimated_scan_bytes", "estimated_result_rows", "estimated_result_bytes",
                    "bq_cost_estimate_usd",
                ])
            #expect(object["table_id"] as? String == "numbers")
            #expect((object["estimated_scan_bytes"] as? Int ?? 0) > 0)
            #expect(object["estimated_result_rows"] as? Int == 20)
            #expect(object["estimated_result_bytes"] as? Int == 160)
            #expect(object["bq_cost_estimate_usd"] is NSNull)
            let unlimited = try await client.post(
                "/api/v2/scan/estimate", as: root.token, body: ["table_id": "numbers"])
            #expect(unlimited.object["estimated_result_rows"] as? Int == 5000)
        }
    }

    @Test func callersWithoutAGrantGet403AndNeverData() async throws {
        let fixture = try await ServerFixture.withTables()
        let none = try await fixture.analyst("nobody@example.com", tables: [])
        let ordersOnly = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            for path in ["/api/v2/scan", "/api/v2/scan/estimate"] {
                for (token, table) in [(none, "orders"), (none, "no_such_table"), (ordersOnly, "secrets")] {
                    let response = try await client.post(path, as: token, body: ["table_id": table])
                    #expect(response.status == .forbidden, "\(path) \(table)")
                    #expect(response.object["detail"] as? String == "not authorized for this table")
                    #expect(!String(decoding: response.bytes, as: UTF8.self).contains("top"))
                }
                let anonymous = try await client.post(path, as: nil, body: ["table_id": "orders"])
                #expect(anonymous.status == .unauthorized)
                #expect(anonymous.object["detail"] as? String == "Missing or invalid Authorization header")
            }
            // A granted table cannot reach another one through its predicate either.
            let sneaky = try await client.post(
                "/api/v2/scan", as: ordersOnly,
                body: ["table_id": "orders", "where": "id IN (SELECT 1 FROM secrets)"])
            #expect(sneaky.status == .badRequest)
            #expect(sneaky.detailObject["error"] as? String == "validator_rejected")
            #expect(sneaky.detailObject["kind"] as? String == "nested_select")
        }
    }

    @Test func refusedPredicatesAnswerTheValidatorShape() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            for path in ["/api/v2/scan", "/api/v2/scan/estimate"] {
                for (predicate, kind) in [
                    ("id IN (SELECT 1 FROM secrets)", "nested_select"),
                    ("read_csv('/etc/passwd') IS NULL", "unknown_function"),
                    ("1=1; DROP TABLE orders", "multi_statement"), ("nope = 1", "unknown_column"),
                    ("id = '", "parse_error"),
                ] {
                    let response = try await client.post(
                        path, as: root.token, body: ["table_id": "orders", "where": predicate])
                    #expect(response.status == .badRequest, "\(predicate)")
                    let detail = response.detailObject
                    #expect(detail["error"] as? String == "validator_rejected")
                    #expect(detail["kind"] as? String == kind, "\(predicate)")
                    #expect((detail["details"] as? String)?.isEmpty == false)
                }
            }
        }
    }

    @Test func malformedRequestsAnswer400And404() async throws {
        let fixture = try await ServerFixture.withTables(scan: ScanLimits(maxLimit: 100))
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let cases: [([String: Any?], HTTPResponse.Status, String)] = [
                (
                    ["table_id": "orders", "select": ["id; DROP"]], .badRequest,
                    "Invalid column name in select: 'id; DROP'"
                ),
                (["table_id": "orders", "select": ["nope"]], .badRequest, "Unknown column in select: 'nope'"),
                (
                    ["table_id": "orders", "order_by": ["id sideways"]], .badRequest,
                    #"Invalid order_by term: 'id sideways' (expected "column", "column ASC" or "column DESC")"#
                ),
                (["table_id": "orders", "order_by": ["nope DESC"]], .badRequest, "Unknown column in order_by: 'nope'"),
                (["table_id": "orders", "limit": 0], .badRequest, "limit must be between 1 and 100"),
                (["table_id": "orders", "limit": 101], .badRequest, "limit must be between 1 and 100"),
                (["table_id": "no_such_table"], .notFound, "table 'no_such_table' not found"),
                (["select": ["id"]], .unprocessableContent, "field required: table_id"),
            ]
            for path in ["/api/v2/scan", "/api/v2/scan/estimate"] {
                for (body, status, detail) in cases {
                    let response = try await client.post(path, as: root.token, body: body)
                    #expect(response.status == status, "\(path) \(body)")
                    #expect(response.object["detail"] as? String == detail, "\(path) \(body)")
                }
            }
            // Only execution meets the type error of `id = 'x'`: DuckDB's reason, after ours.
            let typeError = try await client.post(
                "/api/v2/scan", as: root.token, body: ["table_id": "orders", "where": "id = 'x'"])
            #expect(typeError.status == .badRequest)
            let detail = try #require(typeError.object["detail"] as? String)
            #expect(detail.hasPrefix("Scan failed: Conversion Error"), "\(detail)")
        }
    }

    @Test func aResultPastTheByteLimitIsCutAtABatch() async throws {
        let fixture = try await ServerFixture.withTables(scan: ScanLimits(maxResultBytes: 80_000))
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let response = try await client.post("/api/v2/scan", as: root.token, body: ["table_id": "numbers"])
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name("X-Agnes-Truncated")!] == "true")
            let reader = try ArrowStreamReader(response.bytes)
            #expect(reader.rowCount > 0 && reader.rowCount < 5000)
            #expect(response.bytes.count <= 80_000)
        }
    }
}

extension ScanRoutesTests {
    @Test func onAServerWithoutDataScansAnswer404() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            for path in ["/api/v2/scan", "/api/v2/scan/estimate"] {
                let response = try await client.post(path, as: root.token, body: ["table_id": "orders"])
                #expect(response.status == .notFound)
                #expect(response.object["detail"] as? String == "table 'orders' not found")
            }
        }
    }
}

extension ServerFixture {
    func userID(_ email: String) async throws -> String {
        try #require(try await DuckDBUserRepository(store: services.store).find(email: email)).id
    }
}
