@testable import DuckDB
import Foundation
import Synchronization
import Testing

@Suite struct ConnectionTests {
    @Test func libraryVersionIsThePinnedWheel() {
        #expect(Database.libraryVersion == "v2.0.1")
    }

    @Test func syntaxErrorsCarryDuckDBsMessageAndKind() throws {
        let connection = try Database().connect()
        let error = try #require(throws: DuckDBError.self) { try connection.query("SELEC 1") }
        #expect(error.code == .prepare)
        #expect(error.kind == .parser)
        #expect(error.message.contains("syntax error at or near \"SELEC\""))
    }

    @Test func executionErrorsCarryTheirKind() throws {
        let connection = try Database().connect()
        try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        try connection.run("INSERT INTO t VALUES (?)", [.integer(1)])
        let duplicate = try #require(throws: DuckDBError.self) {
            try connection.run("INSERT INTO t VALUES (?)", [.integer(1)])
        }
        #expect(duplicate.kind == .constraint)
        #expect(duplicate.message.contains("Duplicate key"))

        let conversion = try #require(throws: DuckDBError.self) {
            try connection.query("SELECT ?::INTEGER", [.varchar("abc")])
        }
        #expect(conversion.kind == .conversion)
        #expect(conversion.message.contains("abc"))

        let missing = try #require(throws: DuckDBError.self) { try connection.execute("SELECT * FROM nowhere") }
        #expect(missing.kind == .catalog)
        #expect(missing.message.contains("nowhere"))
    }

    @Test func wrongParameterCountIsABindError() throws {
        let connection = try Database().connect()
        let error = try #require(throws: DuckDBError.self) { try connection.query("SELECT ?, ?", [.integer(1)]) }
        #expect(error.code == .bind)
        #expect(error.message.contains("expected 2 parameters, got 1"))
    }

    @Test func parametersAreNeverInterpolated() throws {
        let connection = try Database().connect()
        try connection.execute("CREATE TABLE t (name VARCHAR)")
        let hostile = "x'); DROP TABLE t; --"
        try connection.run("INSERT INTO t VALUES (?)", [.varchar(hostile)])
        #expect(try connection.query("SELECT name FROM t").rows == [[.varchar(hostile)]])
    }

    @Test func invalidOptionIsRejected() {
        let error = #expect(throws: DuckDBError.self) { try Database(options: ["threads": "many"]) }
        #expect(error?.code == .open)
        #expect(error?.message.contains("threads") == true)
    }

    @Test func unopenableFileIsAnOpenError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let corrupt = directory.appendingPathComponent("corrupt.duckdb").path
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: corrupt))
        let error = #expect(throws: DuckDBError.self) { try Database(path: corrupt) }
        #expect(error?.code == .open)
        #expect(error?.message.isEmpty == false)
    }

    @Test func fileDatabasePersistsAndOpensReadOnly() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-\(UUID()).duckdb").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let connection = try Database(path: path).connect()
            try connection.execute("CREATE TABLE t AS SELECT 42 AS v")
        }
        let readOnly = try Database(path: path, options: ["access_mode": "READ_ONLY"]).connect()
        #expect(try readOnly.query("SELECT v FROM t").rows == [[.integer(42)]])
        #expect(throws: DuckDBError.self) { try readOnly.execute("INSERT INTO t VALUES (1)") }
    }

    /// Closing an instance deletes its write-ahead log: a reopen must not start before the close of
    /// the instance it replaces has finished, or the close deletes the log of the new one.
    @Test func aFileReopenedReadWriteWaitsForTheEarlierInstanceToClose() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-\(UUID()).duckdb").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var first: Database? = try Database(path: path)
        try first!.connect().execute("CREATE TABLE t AS SELECT 1 AS v")
        final class Flags: Sendable {
            let released = Mutex(false)
            let sawRelease = Mutex<Bool?>(nil)
        }
        let flags = Flags()
        let reopened = Thread {
            let second = try? Database(path: path)
            flags.sawRelease.withLock { $0 = flags.released.withLock { $0 } && second != nil }
        }
        reopened.start()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(5))
        while WritableFiles.waiting(path) == 0, clock.now < deadline { usleep(1_000) }
        #expect(WritableFiles.waiting(path) == 1)
        flags.released.withLock { $0 = true }
        first = nil
        while flags.sawRelease.withLock({ $0 }) == nil { usleep(1_000) }
        #expect(flags.sawRelease.withLock { $0 } == true)
        #expect(WritableFiles.waiting(path) == 0)
    }

    @Test func maxRowsTruncatesAndSaysSo() throws {
        let connection = try Database().connect()
        let result = try connection.query("SELECT * FROM range(10000)", maxRows: 5000)
        #expect(result.rows.count == 5000)
        #expect(result.isTruncated)
        let exact = try connection.query("SELECT * FROM range(10)", maxRows: 10)
        #expect(exact.rows.count == 10)
        #expect(!exact.isTruncated)
    }

    @Test func streamingReadsEveryChunk() throws {
        let connection = try Database().connect()
        let total = try connection.stream("SELECT range AS v FROM range(100000)") { stream in
            var sum: Int64 = 0
            while try stream.nextChunk({ (chunk) -> Void in
                let column = chunk.column(0)
                for row in 0..<chunk.count { sum += column.int64(at: row) ?? 0 }
            }) != nil {}
            return sum
        }
        #expect(total == 4_999_950_000)
    }

    @Test func statementTypesComeFromTheParser() throws {
        let connection = try Database().connect()
        #expect(
            try connection.statementTypes(of: "SELECT 1; WITH x AS (SELECT 1) SELECT * FROM x") == [.select, .select])
        #expect(try connection.statementTypes(of: "COPY (SELECT 1) TO 'x.csv'") == [.copy])
        #expect(try connection.statementTypes(of: "ATTACH 'x.db'; SET threads = 1") == [.attach, .set])
        let error = #expect(throws: DuckDBError.self) { try connection.statementTypes(of: "SELECT FROM WHERE (") }
        #expect(error?.kind == .parser)
    }

    @Test func transactionRollsBackOnError() throws {
        let connection = try Database().connect()
        try connection.execute("CREATE TABLE t (v INTEGER)")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try connection.transaction {
                try connection.run("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM t").rows[0][0].int == 0)
        _ = try connection.transaction { try connection.run("INSERT INTO t VALUES (2)") }
        #expect(try connection.query("SELECT count(*) FROM t").rows[0][0].int == 1)
    }

    @Test func appenderBulkInsertsEveryType() throws {
        let connection = try Database().connect()
        try connection.execute(
            "CREATE TABLE t (id BIGINT, name VARCHAR, ok BOOLEAN, score DOUBLE, day DATE, n INTEGER)")
        let appender = try connection.appender(table: "t")
        for index in 0..<10_000 {
            try appender.append([
                .bigint(Int64(index)), index % 7 == 0 ? .null : .varchar("name \(index)"), .boolean(index % 2 == 0),
                .double(Double(index) / 2), .date(DuckDBDate(days: Int32(index))), .integer(Int32(index)),
            ])
        }
        try appender.close()
        let row = try connection.query("SELECT count(*), count(name), sum(id), max(day) FROM t").rows[0]
        #expect(row == [.bigint(10_000), .bigint(8_571), .hugeint(49_995_000), .date(DuckDBDate(days: 9_999))])
    }

    @Test func appenderReportsBadRows() throws {
        let connection = try Database().connect()
        try connection.execute("CREATE TABLE t (id INTEGER)")
        #expect(throws: DuckDBError.self) { try connection.appender(table: "missing") }
        let appender = try connection.appender(table: "t")
        #expect(throws: DuckDBError.self) { try appender.append([.integer(1), .integer(2)]) }
    }
}
