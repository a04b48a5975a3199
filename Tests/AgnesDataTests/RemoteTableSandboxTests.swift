import AgnesData
import DuckDB
import Foundation
import Synchronization
import Testing

/// Remote tables in the query sandbox: views over the `agnes_remote` table function, which asks a
/// ``RemoteTableReader`` for the columns, conditions and LIMIT the query allows it to push down.
@Suite struct RemoteTableSandboxTests {
    static let columns = [
        RemoteColumn(name: "id", type: "BIGINT"), RemoteColumn(name: "Region", type: "VARCHAR"),
        RemoteColumn(name: "amount", type: "DECIMAL(10,2)"), RemoteColumn(name: "day", type: "DATE"),
    ]

    /// Rows of `orders`: id, Region, amount, day.
    static let rows: [[String?]] = (0..<10).map { index in
        [String(index), index % 2 == 0 ? "EU" : "US", index == 9 ? "" : "\(index).50", "2024-01-0\(index % 9 + 1)"]
    }

    func sandbox(_ reader: RecordingReader, timeout: Duration = .seconds(5), extra: [ServedTable] = []) throws
        -> QuerySandbox
    {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("remote-\(UUID().uuidString)")
        let remote = ServedTable(
            id: "orders", source: "keboola", queryMode: "remote", file: nil, md5: nil, sizeBytes: nil, rows: nil,
            remoteColumns: Self.columns)
        return try QuerySandbox(
            tables: [remote] + extra, limits: SandboxLimits(memoryLimit: "256MB", timeout: timeout),
            files: SandboxFiles(root: root), remote: RemoteSources(["keboola": reader]))
    }

    @Test func aRemoteTableIsQueriedWithItsTypesAndOnlyTheColumnsTheQueryReads() async throws {
        let reader = RecordingReader(rows: Self.rows)
        let sandbox = try sandbox(reader)
        #expect(sandbox.tables == ["orders"])
        let result = try await sandbox.run("SELECT sum(amount), max(day) FROM orders", limit: 10)
        #expect(result.rows.map { $0.map(\.description) } == [["40.50", "2024-01-09"]])
        #expect(result.columns.map(\.type).map(String.init(describing:)).first?.contains("DECIMAL") == true)
        let request = try #require(reader.requests.last)
        #expect(request.columns.map(\.name) == ["amount", "day"])
        #expect(request.filters.isEmpty)
        #expect(request.limit == nil)

        let counted = try await sandbox.run("SELECT count(*) FROM orders", limit: 10)
        #expect(counted.rows.first?.first?.description == "10")
        #expect((reader.requests.last?.columns.count ?? 9) <= 1, "count(*) reads one column at most")
    }

    @Test func simpleConditionsAndTheLimitGoToTheSource() async throws {
        let reader = RecordingReader(rows: Self.rows)
        let sandbox = try sandbox(reader)
        let result = try await sandbox.run(
            "SELECT o.id FROM orders AS o WHERE o.amount >= 2 AND region IN ('EU') AND day < DATE '2024-01-09' AND id BETWEEN 1 AND 8 LIMIT 2",
            limit: 10)
        #expect(result.rows.map { $0.map(\.description) } == [["2"], ["4"]])
        let request = try #require(reader.requests.last)
        let amount = Self.columns[2]
        let region = Self.columns[1]
        let day = Self.columns[3]
        let id = Self.columns[0]
        #expect(
            request.filters == [
                .compare(amount, ">=", .number("2")), .isIn(region, [.string("EU")]),
                .compare(day, "<", .string("2024-01-09")), .compare(id, ">=", .number("1")),
                .compare(id, "<=", .number("8")),
            ])
        #expect(request.limit == 2)
    }

    @Test func whatCannotBePushedStaysWithDuckDB() async throws {
        let reader = RecordingReader(rows: Self.rows)
        let sandbox = try sandbox(reader)
        // An OR, a function of a column, a string compared with a number column: evaluated locally.
        let result = try await sandbox.run(
            "SELECT id FROM orders WHERE (id = 1 OR id = 3) AND lower(region) = 'us' AND amount <> '1.50' AND id > 0 LIMIT 5",
            limit: 10)
        #expect(result.rows.map { $0.map(\.description) } == [["3"]])
        let request = try #require(reader.requests.last)
        #expect(request.filters == [.compare(Self.columns[0], ">", .number("0"))])
        #expect(request.limit == nil, "a LIMIT before conditions the source did not get would lose rows")

        // Ordered, grouped or the table read twice: no LIMIT, and nothing for a table named twice.
        _ = try await sandbox.run("SELECT id FROM orders WHERE id > 2 ORDER BY id DESC LIMIT 1", limit: 10)
        #expect(reader.requests.last?.limit == nil)
        #expect(reader.requests.last?.filters.count == 1)
        let joined = try await sandbox.run(
            "SELECT count(*) FROM orders a JOIN orders b USING (id) WHERE a.id > 4", limit: 10)
        #expect(joined.rows.first?.first?.description == "5")
        #expect(reader.requests.suffix(2).allSatisfy { $0.filters.isEmpty })
        _ = try await sandbox.run("SELECT * FROM orders WHERE id IN (SELECT id FROM orders WHERE id < 3)", limit: 10)
        #expect(reader.requests.suffix(2).allSatisfy { $0.filters.isEmpty })
    }

    @Test func aReaderThatKeepsSendingIsStoppedWhenTheQueryHasItsRows() async throws {
        let reader = RecordingReader(rows: Self.rows, repeatForever: true)
        let sandbox = try sandbox(reader)
        let result = try await sandbox.run("SELECT id FROM orders WHERE id + 0 = 3 LIMIT 2", limit: 10)
        #expect(result.rows.count == 2)
        await reader.terminated.first { _ in true }
    }

    @Test func sourceFailuresTimeoutsAndBadValuesAreQueryErrors() async throws {
        let failing = try sandbox(RecordingReader(rows: [], failure: "Keboola says no (storage.tokenInvalid)"))
        await #expect {
            _ = try await failing.run("SELECT * FROM orders", limit: 10)
        } throws: { error in
            guard case SandboxError.query(let message) = error else { return false }
            return message.contains("Keboola says no (storage.tokenInvalid)")
        }

        let silent = try sandbox(RecordingReader(rows: [], hangs: true), timeout: .milliseconds(300))
        await #expect {
            _ = try await silent.run("SELECT * FROM orders", limit: 10)
        } throws: { error in
            switch error as? SandboxError {
            case .timedOut?: return true
            case .query(let message)?: return message.contains("did not answer")
            default: return false
            }
        }

        let garbled = try sandbox(RecordingReader(rows: [["x1", "EU", "1", "2024-01-01"]]))
        await #expect {
            _ = try await garbled.run("SELECT id FROM orders", limit: 10)
        } throws: { error in
            guard case SandboxError.query(let message) = error else { return false }
            return message.contains("x1")
        }
    }

    @Test func aCallerWhoGoesAwayStopsTheScanAndItsSource() async throws {
        let reader = RecordingReader(rows: [], hangs: true)
        let sandbox = try sandbox(reader, timeout: .seconds(600))
        let query = Task { try await sandbox.run("SELECT * FROM orders", limit: 10) }
        // Once the source has been asked, the caller goes away.
        while reader.requests.isEmpty { await Task.yield() }
        query.cancel()
        await reader.terminated.first { _ in true }
        await #expect(throws: SandboxError.self) { _ = try await query.value }
        // The connection is free again, and the next query runs normally.
        let fine = try await sandbox.run("SELECT 1", limit: 1)
        #expect(fine.rows.count == 1)
    }

    @Test func aSourcesRefusalComesOutWhole() async throws {
        let refusal = RemoteScanRefusal(
            status: 400, reason: "remote_scan_too_large", message: "too big",
            numbers: ["scan_bytes": 10, "limit_bytes": 5],
            lists: ["tables": ["ds.orders"]])
        let refusing = try sandbox(RecordingReader(rows: [], refusal: refusal))
        await #expect(throws: SandboxError.refused(refusal)) {
            _ = try await refusing.run("SELECT * FROM orders", limit: 10)
        }
        // The next query on the same connection does not inherit it.
        let fine = try sandbox(RecordingReader(rows: Self.rows))
        #expect(try await fine.run("SELECT count(*) FROM orders", limit: 1).rows.count == 1)
        let encoded = String(decoding: try JSONEncoder().encode(refusal), as: UTF8.self)
        #expect(encoded.contains(#""reason":"remote_scan_too_large""#) && encoded.contains(#""tables":["ds.orders"]"#))
    }

    @Test func aRemoteTableWithoutAReaderOrColumnsIsAbsent() async throws {
        let other = ServedTable(
            id: "tickets", source: "jira", queryMode: "remote", file: nil, md5: nil, sizeBytes: nil, rows: nil,
            remoteColumns: [RemoteColumn(name: "key", type: "VARCHAR")])
        let sandbox = try sandbox(RecordingReader(rows: Self.rows), extra: [other])
        #expect(sandbox.tables == ["orders"])
        await #expect(throws: SandboxError.self) { _ = try await sandbox.run("SELECT * FROM tickets", limit: 1) }
        await #expect(throws: SandboxError.self) {
            _ = try await sandbox.run("SELECT * FROM agnes_remote('tickets')", limit: 1)
        }
    }

    @Test func pushdownReadsOnlyWhatIsSafe() {
        let tree = { (sql: String) -> String in
            let connection = try! Database().connect()
            return try! connection.query("SELECT json_serialize_sql(?)", [.varchar(sql)]).rows[0][0].string!
        }
        let remote = ["orders": Self.columns]
        #expect(RemotePushdown.plans(tree: tree("SELECT 1"), remote: remote).isEmpty)
        #expect(RemotePushdown.plans(tree: tree("SELECT * FROM orders; SELECT 2"), remote: remote).isEmpty)
        #expect(RemotePushdown.plans(tree: tree("not sql"), remote: remote).isEmpty)
        #expect(
            RemotePushdown.plans(tree: tree("SELECT * FROM orders WHERE 5 < id"), remote: remote)["orders"]?.filters
                == [.compare(Self.columns[0], ">", .number("5"))])
        #expect(
            RemotePushdown.plans(tree: tree("SELECT * FROM orders x WHERE y.id = 1"), remote: remote).isEmpty,
            "a qualifier of another table")
        #expect(
            RemotePushdown.plans(
                tree: tree("SELECT * FROM orders WHERE region IS NULL LIMIT 3 OFFSET 2"), remote: remote)[
                    "orders"] == RemotePushdown.Plan(filters: [.isNull(Self.columns[1])], limit: 5))
        #expect(
            RemotePushdown.plans(tree: tree("SELECT DISTINCT id FROM orders LIMIT 3"), remote: remote).isEmpty)
        #expect(
            RemotePushdown.plans(tree: tree("SELECT count(*) FROM orders LIMIT 3"), remote: remote).isEmpty)
    }
}

/// A reader that records every request and streams fixed rows (the requested columns of them).
final class RecordingReader: RemoteTableReader {
    private let recorded = Mutex<[RemoteScanRequest]>([])
    let rows: [[String?]]
    let repeatForever: Bool
    let failure: String?
    let refusal: RemoteScanRefusal?
    let hangs: Bool
    let terminated: AsyncStream<Void>
    private let terminations: AsyncStream<Void>.Continuation

    init(
        rows: [[String?]], repeatForever: Bool = false, failure: String? = nil, refusal: RemoteScanRefusal? = nil,
        hangs: Bool = false
    ) {
        self.refusal = refusal
        self.rows = rows
        self.repeatForever = repeatForever
        self.failure = failure
        self.hangs = hangs
        (terminated, terminations) = AsyncStream.makeStream()
    }

    var requests: [RemoteScanRequest] { recorded.withLock { $0 } }

    func rows(_ request: RemoteScanRequest) -> AsyncThrowingStream<[[String?]], any Error> {
        recorded.withLock { $0.append(request) }
        let positions = request.columns.map { column in RemoteTableSandboxTests.columns.firstIndex(of: column)! }
        let projected = rows.map { row in positions.map { row[$0] } }
        let (repeatForever, failure, hangs, terminations) = (
            self.repeatForever, self.failure, self.hangs, self.terminations
        )
        let refusal = self.refusal
        return AsyncThrowingStream { continuation in
            let task = Task {
                if let refusal {
                    continuation.finish(throwing: refusal)
                    return
                }
                if let failure {
                    continuation.finish(throwing: TableFunctionError(failure))
                    return
                }
                if hangs {
                    // Never answers (until the scan goes and cancels it).
                    try? await Task.sleep(for: .seconds(3600))
                    return
                }
                repeat {
                    continuation.yield(projected)
                    await Task.yield()
                } while repeatForever && !Task.isCancelled
                continuation.finish()
            }
            continuation.onTermination = { _ in
                task.cancel()
                terminations.yield()
            }
        }
    }
}
