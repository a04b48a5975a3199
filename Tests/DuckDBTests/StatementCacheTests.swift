import Foundation
import Testing

@testable import DuckDB

/// The connection's prepared-statement cache: reused by SQL text, bound again after the catalog
/// changes, emptied when full, and never caching a statement that failed to prepare.
@Suite struct StatementCacheTests {
    static func connection(capacity: Int) throws -> Connection {
        let connection = try Database().connect()
        connection.statementCacheCapacity = capacity
        try connection.execute("CREATE TABLE t (id INTEGER, name VARCHAR)")
        try connection.run("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        return connection
    }

    @Test func aKeptStatementRunsWithNewParametersEachTime() throws {
        let connection = try Self.connection(capacity: 8)
        for (id, name) in [(1, "a"), (3, "c"), (2, "b"), (4, nil)] as [(Int32, String?)] {
            let rows = try connection.query("SELECT name FROM t WHERE id = ?", [.integer(id)]).rows
            #expect(rows.first?[0].string == name)
        }
        #expect(try connection.run("UPDATE t SET name = ? WHERE id = ?", [.varchar("z"), .integer(1)]) == 1)
        #expect(try connection.run("UPDATE t SET name = ? WHERE id = ?", [.varchar("y"), .integer(9)]) == 0)
        #expect(try connection.query("SELECT name FROM t WHERE id = ?", [.integer(1)]).rows[0][0].string == "z")
    }

    @Test func aKeptStatementSeesTheTableAsItIsNow() throws {
        let connection = try Self.connection(capacity: 8)
        #expect(try connection.query("SELECT * FROM t ORDER BY id").columns.count == 2)
        try connection.execute("ALTER TABLE t ADD COLUMN score DOUBLE DEFAULT 0.5")
        let widened = try connection.query("SELECT * FROM t ORDER BY id")
        #expect(widened.columns.map(\.name) == ["id", "name", "score"])
        #expect(widened.rows[0][2] == .double(0.5))
        try connection.execute("DROP TABLE t; CREATE TABLE t (id VARCHAR)")
        try connection.run("INSERT INTO t VALUES ('x')")
        #expect(try connection.query("SELECT * FROM t ORDER BY id").rows.map { $0[0] } == [.varchar("x")])
    }

    @Test func aFullCacheStartsAfreshAndFailuresAreNotKept() throws {
        let connection = try Self.connection(capacity: 2)
        for id in 1...5 {
            #expect(try connection.query("SELECT count(*) FROM t WHERE id <= \(id)").rows[0][0].int == min(id, 3))
        }
        #expect(throws: DuckDBError.self) { try connection.query("SELECT missing FROM t") }
        try connection.execute("ALTER TABLE t ADD COLUMN missing INTEGER DEFAULT 7")
        #expect(try connection.query("SELECT missing FROM t WHERE id = 1").rows[0][0].int == 7)
        connection.statementCacheCapacity = 0
        #expect(try connection.query("SELECT count(*) FROM t").rows[0][0].int == 3)
    }
}
