import DuckDB
import Foundation
import Testing

@Suite struct ValueRoundTripTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let sqlType: String
        let value: DuckDBValue
        let literal: String
        var testDescription: String { sqlType }
    }

    static let uuid = UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!

    static let cases: [Case] = [
        Case(sqlType: "BOOLEAN", value: .boolean(true), literal: "true"),
        Case(sqlType: "TINYINT", value: .tinyint(-128), literal: "-128"),
        Case(sqlType: "SMALLINT", value: .smallint(-32768), literal: "-32768"),
        Case(sqlType: "INTEGER", value: .integer(2_147_483_647), literal: "2147483647"),
        Case(sqlType: "BIGINT", value: .bigint(Int64.min + 1), literal: "-9223372036854775807"),
        Case(
            sqlType: "HUGEINT", value: .hugeint(DuckDBHugeInt(Int128(Int64.max) * 1_000_003 + 7)),
            literal: "9223372036854775807::HUGEINT * 1000003 + 7"),
        Case(
            sqlType: "HUGEINT",
            value: .hugeint(DuckDBHugeInt(Int128(-170_141_183_460_469_231_731_687_303_715_884_105_727))),
            literal: "-170141183460469231731687303715884105727"),
        Case(sqlType: "UTINYINT", value: .utinyint(255), literal: "255"),
        Case(sqlType: "USMALLINT", value: .usmallint(65535), literal: "65535"),
        Case(sqlType: "UINTEGER", value: .uinteger(4_294_967_295), literal: "4294967295"),
        Case(sqlType: "UBIGINT", value: .ubigint(UInt64.max), literal: "18446744073709551615"),
        Case(
            sqlType: "UHUGEINT", value: .uhugeint(DuckDBUHugeInt(UInt128.max)),
            literal: "340282366920938463463374607431768211455"),
        Case(sqlType: "FLOAT", value: .float(1.5), literal: "1.5"),
        Case(sqlType: "DOUBLE", value: .double(-2.25e300), literal: "-2.25e300"),
        Case(
            sqlType: "DECIMAL(4,1)", value: .decimal(DuckDBDecimal(unscaled: -999, width: 4, scale: 1)),
            literal: "-99.9"),
        Case(
            sqlType: "DECIMAL(9,2)", value: .decimal(DuckDBDecimal(unscaled: 1_234_567, width: 9, scale: 2)),
            literal: "12345.67"),
        Case(
            sqlType: "DECIMAL(18,3)",
            value: .decimal(DuckDBDecimal(unscaled: 123_456_789_012_345, width: 18, scale: 3)),
            literal: "123456789012.345"),
        Case(
            sqlType: "DECIMAL(38,10)",
            value: .decimal(DuckDBDecimal(unscaled: Int128("12345678901234567890123456789")!, width: 38, scale: 10)),
            literal: "1234567890123456789.0123456789"),
        Case(sqlType: "VARCHAR", value: .varchar("short"), literal: "'short'"),
        Case(
            sqlType: "VARCHAR", value: .varchar("a longer string with ünïcødé and 'quotes'; DROP TABLE x"),
            literal: "'a longer string with ünïcødé and ''quotes''; DROP TABLE x'"),
        Case(sqlType: "BLOB", value: .blob([0, 1, 2, 255, 65, 66]), literal: "'\\x00\\x01\\x02\\xFFAB'::BLOB"),
        Case(sqlType: "DATE", value: .date(DuckDBDate(year: 2024, month: 2, day: 29)), literal: "DATE '2024-02-29'"),
        Case(sqlType: "DATE", value: .date(DuckDBDate(year: 1969, month: 12, day: 31)), literal: "DATE '1969-12-31'"),
        Case(sqlType: "TIME", value: .time(DuckDBTime(micros: 45_296_789_000)), literal: "TIME '12:34:56.789'"),
        Case(
            sqlType: "TIMETZ", value: .timeTZ(DuckDBTimeTZ(micros: 45_296_000_000, offsetSeconds: 7200)),
            literal: "TIMETZ '12:34:56+02'"),
        Case(
            sqlType: "TIMESTAMP", value: .timestamp(DuckDBTimestamp(1_709_210_096_123_456)),
            literal: "TIMESTAMP '2024-02-29 12:34:56.123456'"),
        Case(
            sqlType: "TIMESTAMP_S", value: .timestamp(DuckDBTimestamp(1_709_210_096, unit: .seconds)),
            literal: "TIMESTAMP_S '2024-02-29 12:34:56'"),
        Case(
            sqlType: "TIMESTAMP_MS", value: .timestamp(DuckDBTimestamp(1_709_210_096_123, unit: .milliseconds)),
            literal: "TIMESTAMP_MS '2024-02-29 12:34:56.123'"),
        Case(
            sqlType: "TIMESTAMP_NS", value: .timestamp(DuckDBTimestamp(1_709_210_096_123_456_789, unit: .nanoseconds)),
            literal: "TIMESTAMP_NS '2024-02-29 12:34:56.123456789'"),
        Case(
            sqlType: "TIMESTAMPTZ", value: .timestampTZ(DuckDBTimestamp(1_709_210_096_000_000)),
            literal: "TIMESTAMPTZ '2024-02-29 12:34:56+00'"),
        Case(
            sqlType: "INTERVAL", value: .interval(DuckDBInterval(months: 14, days: 3, micros: 3_723_000_000)),
            literal: "INTERVAL '1 year 2 months 3 days 01:02:03'"),
        Case(sqlType: "UUID", value: .uuid(uuid), literal: "'3f2504e0-4f89-11d3-9a0c-0305e82c3301'::UUID"),
        Case(sqlType: "INTEGER[]", value: .list([.integer(1), .null, .integer(3)]), literal: "[1, NULL, 3]"),
        Case(
            sqlType: "VARCHAR[]", value: .list([.varchar("a"), .varchar("a much longer string value")]),
            literal: "['a', 'a much longer string value']"),
        Case(
            sqlType: "STRUCT(a INTEGER, b VARCHAR)",
            value: .structure([.init("a", .integer(1)), .init("b", .varchar("x"))]), literal: "{'a': 1, 'b': 'x'}"),
        Case(
            sqlType: "MAP(VARCHAR, INTEGER)",
            value: .map([.init(.varchar("k1"), .integer(1)), .init(.varchar("k2"), .integer(2))]),
            literal: "MAP {'k1': 1, 'k2': 2}"),
        Case(sqlType: "INTEGER[][]", value: .list([.list([.integer(1)]), .list([])]), literal: "[[1], []]"),
    ]

    @Test(arguments: cases)
    func boundParameterRoundTrips(_ testCase: Case) throws {
        let connection = try Database().connect()
        let result = try connection.query("SELECT ?::\(testCase.sqlType) AS v", [testCase.value])
        #expect(result.rows.count == 1)
        #expect(result.rows[0][0] == testCase.value)
    }

    @Test(arguments: cases)
    func literalReadsAsTypedValue(_ testCase: Case) throws {
        let connection = try Database().connect()
        let result = try connection.query("SELECT (\(testCase.literal))::\(testCase.sqlType) AS v")
        #expect(result.rows[0][0] == testCase.value)
    }

    @Test(arguments: cases)
    func valuesSurviveATableAndNull(_ testCase: Case) throws {
        let connection = try Database().connect()
        try connection.execute("CREATE TABLE t (v \(testCase.sqlType))")
        try connection.run("INSERT INTO t VALUES (?), (NULL)", [testCase.value])
        let rows = try connection.query("SELECT v FROM t ORDER BY v NULLS LAST").rows
        #expect(rows.map { $0[0] } == [testCase.value, .null])
    }

    @Test func enumValuesReadAsLabels() throws {
        let connection = try Database().connect()
        try connection.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
        let result = try connection.query("SELECT 'happy'::mood AS m, ?::mood AS p", [.varchar("sad")])
        #expect(result.rows[0] == [.enumeration("happy"), .enumeration("sad")])
        #expect(result.columns[0].type == .enumeration(["sad", "ok", "happy"]))
    }

    @Test func columnTypesAreReported() throws {
        let connection = try Database().connect()
        let result = try connection.query(
            "SELECT 1::DECIMAL(10,2) a, [1]::BIGINT[] b, {'x': 1} c, MAP {'k': 1.5} d, NULL e, [1,2]::INTEGER[2] f")
        #expect(
            result.columns.map(\.type) == [
                .decimal(width: 10, scale: 2), .list(.bigint), .structure([.init(name: "x", type: .integer)]),
                .map(key: .varchar, value: .decimal(width: 2, scale: 1)), .null, .array(.integer, size: 2),
            ])
        #expect(result.rows[0][5] == .array([.integer(1), .integer(2)]))
    }

    @Test func textRenderingMatchesDuckDB() throws {
        let connection = try Database().connect()
        let row = try connection.query(
            "SELECT 12.50::DECIMAL(5,2), DATE '0044-03-15', TIMESTAMP '2024-01-02 03:04:05', INTERVAL 90 MINUTE, [1,2]"
        ).rows[0]
        #expect(row.map(\.description) == ["12.50", "0044-03-15", "2024-01-02 03:04:05", "01:30:00", "[1, 2]"])
    }

    @Test func jsonEncodingIsNatural() throws {
        let connection = try Database().connect()
        let row = try connection.query(
            "SELECT {'n': 1, 'd': 2.50::DECIMAL(5,2), 's': 'x', 'l': [true, NULL], 't': TIMESTAMP '2024-01-02 03:04:05', 'm': MAP {'a': 1}} AS v"
        ).rows[0][0]
        let decoded = try JSONSerialization.jsonObject(with: Data(row.jsonText.utf8)) as? [String: Any]
        let object = try #require(decoded)
        #expect(object["n"] as? Int == 1)
        #expect((object["d"] as? NSNumber)?.doubleValue == 2.5)
        #expect(object["s"] as? String == "x")
        #expect((object["l"] as? [Any])?.count == 2)
        #expect(object["t"] as? String == "2024-01-02T03:04:05")
        #expect((object["m"] as? [String: Any])?["a"] as? Int == 1)
        #expect(DuckDBValue.double(.nan).jsonText == "null")
    }
}
