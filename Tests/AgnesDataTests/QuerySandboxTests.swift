import AgnesData
import DuckDB
import Foundation
import Testing

/// What the sandbox must keep doing for ordinary analytical SQL, and how it is built and reused.
@Suite struct QuerySandboxTests {
    @Test func ordinaryAnalyticalSQLWorks() async throws {
        let fixture = try await SandboxFixture()
        let cases: [(String, [[String]])] = [
            ("SELECT count(*) FROM orders", [["100"]]),
            (
                "SELECT c.name, count(*) AS n FROM orders o JOIN customers c USING (customer_id) GROUP BY ALL ORDER BY 1 LIMIT 2",
                [["Customer 0", "10"], ["Customer 1", "10"]]
            ),
            (
                "WITH big AS (SELECT * FROM orders WHERE amount > 100) SELECT count(*) FROM big",
                [["33"]]
            ),
            (
                "SELECT order_id, sum(amount) OVER (ORDER BY order_id ROWS 1 PRECEDING) FROM orders ORDER BY 1 LIMIT 3",
                [["0", "0.00"], ["1", "1.50"], ["2", "4.50"]]
            ),
            ("SELECT unnest(tags) AS tag, count(*) FROM orders GROUP BY 1 ORDER BY 1", [["a", "100"], ["b", "100"]]),
            ("SELECT sum(range) FROM range(10)", [["45"]]),
            ("FROM customers SELECT max(customer_id)", [["9"]]),
            ("SELECT min(ordered_on), max(ordered_on) FROM orders", [["2024-01-01", "2024-01-30"]]),
            ("(SELECT 1) UNION ALL (SELECT 2) ORDER BY 1", [["1"], ["2"]]),
            ("VALUES (1, 'x')", [["1", "x"]]),
            (
                "SELECT * FROM orders WHERE customer_id = 3 AND order_id < 20 ORDER BY order_id",
                [
                    ["3", "3", "4.50", "2024-01-04", "['a', 'b']"], ["13", "3", "19.50", "2024-01-14", "['a', 'b']"],
                ]
            ),
        ]
        for (sql, expected) in cases {
            let result = try await fixture.analyst(sql)
            #expect(result.rows.map { $0.map(\.description) } == expected, "\(sql)")
        }
    }

    @Test func limitReturnsThatManyRowsAndSaysMoreExist() async throws {
        let fixture = try await SandboxFixture()
        let capped = try await fixture.analyst("SELECT * FROM orders", limit: 10)
        #expect(capped.rows.count == 10)
        #expect(capped.isTruncated)
        let exact = try await fixture.analyst("SELECT * FROM orders", limit: 100)
        #expect(exact.rows.count == 100)
        #expect(!exact.isTruncated)
        #expect(exact.columns.map(\.name) == ["order_id", "customer_id", "amount", "ordered_on", "tags"])
    }

    @Test func errorsCarryDuckDBsMessage() async throws {
        let fixture = try await SandboxFixture()
        await #expect(throws: SandboxError.notSingleSelect("expected one statement, found 2")) {
            try await fixture.analyst("SELECT 1; SELECT 2")
        }
        do {
            _ = try await fixture.analyst("SELEC 1")
            Issue.record("a syntax error was accepted")
        } catch {
            guard case .query(let message) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(message.contains("Parser Error"))
        }
        do {
            _ = try await fixture.analyst("SELECT nope FROM orders")
            Issue.record("an unknown column was accepted")
        } catch {
            guard case .query(let message) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(message.contains("nope"))
        }
        await #expect(throws: SandboxError.self) { try await fixture.analyst("   ") }
    }

    @Test func anUnreadableTableLooksExactlyLikeAMissingOne() async throws {
        let fixture = try await SandboxFixture()
        func message(_ sql: String) async -> String? {
            do {
                _ = try await fixture.analyst(sql)
                return nil
            } catch {
                if case .query(let message) = error { return message }
                return "\(error)"
            }
        }
        let secret = await message("SELECT * FROM payroll")
        let missing = await message("SELECT * FROM nosuchtable")
        // The same error; only DuckDB's "did you mean" suggestion (from the readable catalog) may differ.
        let firstLine = { (text: String?) in text?.split(separator: "\n").first.map(String.init) }
        #expect(
            firstLine(secret?.replacingOccurrences(of: "payroll", with: "X"))
                == firstLine(missing?.replacingOccurrences(of: "nosuchtable", with: "X")))
        #expect(secret?.contains("Catalog Error") == true)
        // Admins (no restriction) read it.
        let admin = try await fixture.engine.run("SELECT secret FROM payroll", limit: 10, readable: nil)
        #expect(admin.rows[0][0].string == SandboxFixture.secretRow)
    }

    @Test func sandboxesAreReusedPerReadableSetAndGeneration() async throws {
        let fixture = try await SandboxFixture()
        let first = try await fixture.engine.sandbox(readable: ["orders", "customers"])
        let again = try await fixture.engine.sandbox(readable: ["customers", "orders", "not-a-table"])
        #expect(first === again)
        let other = try await fixture.engine.sandbox(readable: ["orders"])
        #expect(other !== first)
        #expect(other.tables == ["orders"])
        #expect(fixture.engine.cachedCount == 2)
        // A new generation gets new sandboxes and the old ones are let go.
        fixture.data.writeSourceLater()
        _ = try await fixture.data.orchestrator.rebuild()
        let fresh = try await fixture.engine.sandbox(readable: ["orders", "customers"])
        #expect(fresh !== first)
        #expect(fixture.engine.cachedCount == 1)
        let count = try await fixture.analyst("SELECT count(*) FROM orders")
        #expect(count.rows[0][0].int == 5)
    }

    @Test func aQueryRunningDuringARebuildFinishesOnItsGeneration() async throws {
        let fixture = try await SandboxFixture(limits: SandboxLimits(timeout: .seconds(60)))
        // Bound to the 100-order generation before the rebuild (the rebuild brings 5 orders), so the
        // answer says which generation the query read, however the query and the swap interleave.
        let sandbox = try await fixture.engine.sandbox(readable: ["orders", "customers"])
        let sql = "SELECT count(*) FROM orders, range(3000000) r WHERE r.range % 7 = order_id % 7"
        async let slow = sandbox.run(sql, limit: 1)
        fixture.data.writeSourceLater()
        _ = try await fixture.data.orchestrator.rebuild()
        // Each order matches the values of range(3000000) that share its remainder mod 7.
        let matches = { (orders: Int) in
            (0..<orders).reduce(0) { total, order in total + 3_000_000 / 7 + (order % 7 < 3_000_000 % 7 ? 1 : 0) }
        }
        #expect(try await slow.rows[0][0].int == matches(100))
        #expect(try await sandbox.run(sql, limit: 1).rows[0][0].int == matches(100), "the old sandbox keeps its data")
        let now = try await fixture.analyst(sql)
        #expect(now.rows[0][0].int == matches(5))
    }

    @Test func beforeTheFirstBuildTheEngineSaysSo() async throws {
        let data = try await DataFixture()
        let engine = QueryEngine(analytics: data.analytics, layout: data.layout, limits: SandboxLimits())
        await #expect(throws: SandboxError.notReady) {
            try await engine.run("SELECT 1", limit: 1, readable: nil)
        }
    }
}

extension DataFixture {
    /// Republishes `sales` with a 5-row `orders` (the other tables as before).
    func writeSourceLater() {
        _ = try? writeSource("sales", tables: SandboxFixture.tables(orders: 5))
    }
}
