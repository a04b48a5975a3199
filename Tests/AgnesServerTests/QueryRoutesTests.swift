import AgnesCore
import AgnesData
import AgnesServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `POST /api/query`: wire shape, errors, and the sandbox seen over HTTP.
@Suite struct QueryRoutesTests {
    static let files = [
        "orders.csv": "order_id,amount,placed\n"
            + (1...50).map { "\($0),\(Double($0) / 4),2024-01-\(String(format: "%02d", $0 % 28 + 1))" }
            .joined(separator: "\n"),
        "payroll.csv": "person,salary\nceo,TOPSECRET-1000000\n",
    ]

    @Test func aQueryAnswersInTheOriginalsShape() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.publishLocal(Self.files)
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(
                .post, "/api/query", as: ana,
                body: ["sql": "SELECT order_id, amount, placed, [1, 2] AS l FROM orders ORDER BY order_id", "limit": 3])
            #expect(reply.status == .ok)
            #expect(Set(reply.object.keys) == ["columns", "column_types", "rows", "row_count", "truncated"])
            #expect(reply.object["columns"] as? [String] == ["order_id", "amount", "placed", "l"])
            #expect(reply.object["column_types"] as? [String] == ["BIGINT", "DOUBLE", "DATE", "INTEGER[]"])
            #expect(reply.object["row_count"] as? Int == 3)
            #expect(reply.object["truncated"] as? Bool == true)
            let rows = try #require(reply.object["rows"] as? [[Any]])
            #expect(rows[0][0] as? Int == 1)
            #expect(rows[0][1] as? Double == 0.25)
            #expect(rows[0][2] as? String == "2024-01-02")
            #expect(rows[0][3] as? String == "[1, 2]")
            let all = try await client.call(
                .post, "/api/query", as: ana, body: ["sql": "SELECT count(*) AS n FROM orders"])
            #expect(all.object["truncated"] as? Bool == false)
            #expect((all.object["rows"] as? [[Any]])?.first?.first as? Int == 50)
            let nulls = try await client.call(
                .post, "/api/query", as: ana, body: ["sql": "SELECT NULL AS x, 'nan'::DOUBLE AS y, true AS z"])
            let values = try #require((nulls.object["rows"] as? [[Any]])?.first)
            #expect(values[0] is NSNull)
            #expect(values[1] as? String == "nan")
            #expect(values[2] as? Bool == true)
        }
    }

    @Test func badQueriesGetClearErrors() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.publishLocal(Self.files)
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            let cases: [([String: Any?], HTTPResponse.Status, String)] = [
                (["sql": "DELETE FROM orders"], .badRequest, "Only single SELECT queries are allowed"),
                (["sql": "SELECT 1; SELECT 2"], .badRequest, "Only single SELECT queries are allowed"),
                (["sql": "ATTACH 'x.db' AS x"], .badRequest, "Only single SELECT queries are allowed"),
                (["sql": "   "], .badRequest, "Query must start with SELECT or WITH"),
                (["sql": "SELECT 1", "limit": 0], .badRequest, "limit must be between 1 and 100000"),
                (["sql": "SELECT 1", "limit": 100_001], .badRequest, "limit must be between 1 and 100000"),
                (["limit": 10], .unprocessableContent, "field required: sql"),
            ]
            for (body, status, detail) in cases {
                let reply = try await client.call(.post, "/api/query", as: ana, body: body)
                #expect(reply.status == status, "\(body)")
                #expect(reply.detail == detail, "\(body)")
            }
            let syntax = try await client.call(.post, "/api/query", as: ana, body: ["sql": "SELEC 1"])
            #expect(syntax.status == .badRequest)
            #expect(syntax.detail?.hasPrefix("Query error: Parser Error") == true)
            let anonymous = try await client.call(.post, "/api/query", as: nil, body: ["sql": "SELECT 1"])
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func aTableWithoutAGrantCannotBeQueriedOrDetected() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.publishLocal(Self.files)
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders"])
        let root = try await fixture.admin()
        let payroll = fixture.services.layout.dataFile(source: Identifier("local")!, table: Identifier("payroll")!)
        try await fixture.application.test(.router) { client in
            for sql in [
                "SELECT * FROM payroll", "SELECT * FROM local.payroll", "SELECT * FROM query_table('payroll')",
                "SELECT * FROM read_parquet('\(payroll.path)')", "SELECT * FROM '\(payroll.path)'",
                "SELECT * FROM read_csv('\(fixture.services.layout.localSourceDirectory.path)/payroll.csv')",
                "SELECT table_name FROM information_schema.tables",
            ] {
                let reply = try await client.call(.post, "/api/query", as: ana, body: ["sql": sql])
                let text = String(describing: reply.json ?? "")
                #expect(!text.contains("TOPSECRET"), "\(sql)")
                #expect(!text.contains("payroll\"") && !(text.contains("payroll") && reply.status == .ok), "\(sql)")
            }
            let missing = try await client.call(.post, "/api/query", as: ana, body: ["sql": "SELECT * FROM nosuch"])
            let hidden = try await client.call(.post, "/api/query", as: ana, body: ["sql": "SELECT * FROM payroll"])
            #expect(missing.status == hidden.status)
            let admin = try await client.call(
                .post, "/api/query", as: root.token, body: ["sql": "SELECT salary FROM payroll"])
            #expect((admin.object["rows"] as? [[Any]])?.first?.first as? String == "TOPSECRET-1000000")
        }
    }

    @Test func beforeTheFirstSyncTheDatabaseIsEmptyNotBroken() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let constant = try await client.post("/api/query", as: root.token, body: ["sql": "SELECT 1 AS one"])
            #expect(constant.status == .ok)
            #expect(constant.object["rows"] as? [[Int]] == [[1]])
            let table = try await client.post("/api/query", as: root.token, body: ["sql": "SELECT * FROM orders"])
            #expect(table.status == .badRequest)
            #expect((table.object["detail"] as? String)?.hasPrefix("Query error: Catalog Error") == true)
            let manifest = try await client.raw(.get, "/api/sync/manifest", as: root.token)
            #expect(manifest.status == .ok)
            #expect((manifest.object["tables"] as? [String: Any])?.isEmpty == true)
            let download = try await client.raw(.get, "/api/data/orders/download", as: root.token)
            #expect(download.status == .notFound)
        }
    }

    // The query never ends on its own: the 408 is the proof it was stopped (the time limit guards a hang).
    @Test(.timeLimit(.minutes(2))) func aQueryPastTheTimeLimitIsStoppedWith408() async throws {
        let fixture = try await ServerFixture(settings: { root in
            var settings = AgnesSettings(dataDir: root)
            settings.query.timeoutSeconds = 1
            return settings
        })
        try await fixture.publishLocal(Self.files)
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(
                .post, "/api/query", as: ana, body: ["sql": "SELECT count(*) FROM range(1000000000000)"])
            #expect(reply.status == .requestTimeout)
            #expect(reply.detail?.hasPrefix("Query timed out after 1 s") == true)
            let next = try await client.call(.post, "/api/query", as: ana, body: ["sql": "SELECT count(*) FROM orders"])
            #expect(next.status == .ok)
        }
    }
}
