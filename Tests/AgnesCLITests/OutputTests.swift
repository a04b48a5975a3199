import AgnesCLI
import AgnesClient
import AgnesCore
import DuckDB
import Foundation
import Testing

@Suite struct OutputTests {
    static func sample() throws -> ResultTable {
        let connection = try Database().connect()
        return ResultTable(
            try connection.query(
                "SELECT * FROM (VALUES (1, 'alpha', 2.50::DECIMAL(5,2)), (20, NULL, 10.00)) t(id, name, amount)"))
    }

    @Test func tablesShowNamesTypesAndRightAlignedNumbers() throws {
        let text = TableRenderer(maximumWidth: nil).render(try Self.sample())
        #expect(
            text == """
                ┌─────────┬─────────┬──────────────┐
                │      id │ name    │       amount │
                │ integer │ varchar │ decimal(5,2) │
                ├─────────┼─────────┼──────────────┤
                │       1 │ alpha   │         2.50 │
                │      20 │ NULL    │        10.00 │
                └─────────┴─────────┴──────────────┘
                2 rows
                """)
    }

    @Test func wideTablesAreCutToTheTerminalWidth() {
        let long = String(repeating: "x", count: 200)
        let table = ResultTable(
            columns: [.init(name: "a"), .init(name: "b")], rows: [[.init(text: long), .init(text: "short")]])
        let lines = TableRenderer(maximumWidth: 40).render(table).split(separator: "\n").dropLast()
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(lines.contains { $0.contains("…") && $0.contains("short") })
    }

    @Test func tooManyColumnsAreElidedInTheMiddle() {
        let columns = (0..<30).map { ResultTable.Column(name: "column_\($0)") }
        let table = ResultTable(columns: columns, rows: [columns.map { .init(text: $0.name) }])
        let text = TableRenderer(maximumWidth: 60).render(table)
        let lines = text.split(separator: "\n")
        #expect(lines.dropLast().allSatisfy { $0.count <= 60 })
        #expect(lines[1].contains("column_0") && lines[1].contains("column_29") && lines[1].contains("…"))
        #expect(lines.last?.contains("columns hidden") == true)
    }

    @Test func truncatedResultsSaySo() {
        let table = ResultTable(columns: [.init(name: "x")], rows: [[.init(text: "1")]], isTruncated: true)
        #expect(
            TableRenderer(maximumWidth: nil).render(table).hasSuffix(
                "1 row (truncated: more rows exist; raise --limit)"))
    }

    @Test func csvQuotesWhatNeedsQuotingAndLeavesNullEmpty() throws {
        let connection = try Database().connect()
        let table = ResultTable(try connection.query("SELECT 'a,b' AS x, 'say \"hi\"' AS y, NULL AS z, 3 AS n"))
        #expect(table.csvText == "x,y,z,n\r\n\"a,b\",\"say \"\"hi\"\"\",,3")
    }

    @Test func jsonIsAListOfObjectsWithTypedValues() throws {
        let json = try Self.sample().jsonText
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        #expect(
            decoded
                == .array([
                    .object(["id": .int(1), "name": .string("alpha"), "amount": .double(2.5)]),
                    .object(["id": .int(20), "name": .null, "amount": .int(10)]),
                ]))
    }

    @Test func remoteResultsRenderWithoutTypes() {
        let remote = RemoteQueryResult(
            columns: ["answer"], rows: [[.int(42)]], rowCount: 1, truncated: false)
        let text = TableRenderer(maximumWidth: nil).render(ResultTable(remote))
        #expect(text.contains("│ answer │") && text.contains("│     42 │"))
    }

    @Test func byteCountsReadNaturally() {
        #expect(ByteCount.text(512) == "512 B")
        #expect(ByteCount.text(1536) == "1.5 KB")
        #expect(ByteCount.text(5 * 1024 * 1024) == "5.0 MB")
    }
}

@Suite struct ProgressBarTests {
    @Test func theBarShowsTablesBytesRateAndETAThenErasesItself() {
        let lines = Lines()
        let bar = ProgressBar { lines.append($0) }
        bar.handle(.started(tables: 2, bytes: 2 << 20))
        bar.handle(.received(1 << 20))
        bar.handle(.finished(table: "a", error: nil))
        bar.handle(.ended)
        let text = lines.all
        // Drawn at once, then at most ten times a second; erased at the end.
        #expect(text.first?.hasPrefix("\r[····················] 0/2 tables  0 B / 2.0 MB") == true)
        #expect(text.last == "\r\u{1B}[K")
    }

    final class Lines: @unchecked Sendable {
        // @unchecked: appended from the bar's calls, which the test makes on one task.
        var all: [String] = []
        func append(_ line: String) { all.append(line) }
    }
}
