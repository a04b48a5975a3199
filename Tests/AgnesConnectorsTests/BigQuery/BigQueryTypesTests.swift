import AgnesData
import DuckDB
import Foundation
import Testing

@testable import AgnesConnectors

/// BigQuery's types and `f`/`v` cells as DuckDB types and castable text, and the GoogleSQL a remote
/// scan sends.
@Suite struct BigQueryTypesTests {
    static let address = BigQueryField(
        name: "address", type: "RECORD", mode: "NULLABLE",
        fields: [BigQueryField(name: "city", type: "STRING"), BigQueryField(name: "zip", type: "INT64")])

    @Test func typesMapToDuckDB() {
        let cases: [(BigQueryField, String)] = [
            (BigQueryField(name: "a", type: "INT64"), "BIGINT"), (BigQueryField(name: "a", type: "INTEGER"), "BIGINT"),
            (BigQueryField(name: "a", type: "FLOAT64"), "DOUBLE"),
            (BigQueryField(name: "a", type: "NUMERIC"), "DECIMAL(38,9)"),
            (BigQueryField(name: "a", type: "BIGNUMERIC"), "DOUBLE"),
            (BigQueryField(name: "a", type: "BOOL"), "BOOLEAN"),
            (BigQueryField(name: "a", type: "STRING"), "VARCHAR"), (BigQueryField(name: "a", type: "BYTES"), "BLOB"),
            (BigQueryField(name: "a", type: "DATE"), "DATE"), (BigQueryField(name: "a", type: "DATETIME"), "TIMESTAMP"),
            (BigQueryField(name: "a", type: "TIME"), "TIME"),
            (BigQueryField(name: "a", type: "TIMESTAMP"), "TIMESTAMPTZ"),
            (BigQueryField(name: "a", type: "GEOGRAPHY"), "VARCHAR"),
            (BigQueryField(name: "a", type: "STRING", mode: "REPEATED"), "VARCHAR[]"),
            (Self.address, #"STRUCT("city" VARCHAR, "zip" BIGINT)"#),
            (
                BigQueryField(
                    name: "a", type: "RECORD", mode: "REPEATED", fields: [BigQueryField(name: "x", type: "FLOAT64")]),
                #"STRUCT("x" DOUBLE)[]"#
            ),
        ]
        for (field, expected) in cases { #expect(BigQueryTypes.duckDBType(field) == expected, "\(field.type)") }
    }

    @Test func timestampsAreExactToTheMicrosecond() {
        #expect(BigQueryTypes.timestamp("1.7066952E9") == "2024-01-31 10:00:00+00")
        #expect(BigQueryTypes.timestamp("1706695200.123456") == "2024-01-31 10:00:00.123456+00")
        #expect(BigQueryTypes.timestamp("-1.5") == "1969-12-31 23:59:58.5+00")
        #expect(BigQueryTypes.timestamp("0") == "1970-01-01 00:00:00+00")
        #expect(BigQueryTypes.timestamp("junk") == "junk", "left for DuckDB to refuse")
        #expect(BigQueryTypes.timestamp("2.53402300799999999E11") == "9999-12-31 23:59:59.999999+00")
        #expect(BigQueryTypes.timestamp("-8.64E4") == "1969-12-31 00:00:00+00")
        #expect(BigQueryTypes.timestamp("1E-7") == "1970-01-01 00:00:00+00")
        #expect(BigQueryTypes.timestamp("1.0000005") == "1970-01-01 00:00:01.000001+00", "rounded half up")
        #expect(BigQueryTypes.timestamp("-6.21355968E10") == "0001-01-01 00:00:00+00")
        #expect(BigQueryTypes.timestamp("1.5.5") == "1.5.5" && BigQueryTypes.timestamp("1e") == "1e")
    }

    @Test func timestampsAgreeWithDuckDBsCalendar() throws {
        let connection = try Database().connect()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let micros = Int64.random(in: -62_135_596_800_000_000...253_402_300_799_999_999, using: &generator)
            let text = "\(micros / 1_000_000).\(String(format: "%06lld", abs(micros % 1_000_000)))"
            let seconds =
                micros < 0 && micros % 1_000_000 != 0 ? "-" + text.dropFirst(text.hasPrefix("-") ? 1 : 0) : text
            let ours = try #require(BigQueryTypes.timestamp(micros < 0 ? Self.negative(micros) : seconds))
            let same = try connection.query(
                "SELECT CAST(? AS TIMESTAMPTZ) = make_timestamp(?::BIGINT)::TIMESTAMPTZ",
                [.varchar(ours), .bigint(micros)]
            ).rows[0][0]
            #expect(same == .boolean(true), "\(micros): \(ours)")
        }
    }

    /// Negative microseconds as the decimal text of seconds (`-1.500000` for -1,500,000).
    static func negative(_ micros: Int64) -> String {
        let magnitude = micros.magnitude
        return "-\(magnitude / 1_000_000).\(String(format: "%06llu", magnitude % 1_000_000))"
    }

    @Test func cellsBecomeTextDuckDBCastsToTheirTypes() throws {
        let fields = [
            BigQueryField(name: "id", type: "INT64"), BigQueryField(name: "at", type: "TIMESTAMP"),
            BigQueryField(name: "tags", type: "STRING", mode: "REPEATED"), Self.address,
            BigQueryField(name: "blob", type: "BYTES"), BigQueryField(name: "missing", type: "STRING"),
        ]
        let row = BigQueryCell.Row(f: [
            .text("12"), .text("1.7066952E9"), .list([.text("a"), .text("b \"quoted\"")]),
            .record([.text("Praha"), .text("11000")]), .text("aGVsbG8="), .null,
        ])
        let text = BigQueryTypes.text(row, fields: fields)
        #expect(text[0] == "12" && text[5] == nil)
        #expect(text[2] == #"["a","b \"quoted\""]"#)
        #expect(text[3] == #"{"city":"Praha","zip":11000}"#)
        // DuckDB reads each back as its type, the way a remote view casts it.
        let connection = try Database().connect()
        let casts = zip(text, fields).map { value, field -> String in
            let type = BigQueryTypes.duckDBType(field)
            let literal = value.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL"
            if type == "BLOB" { return "from_base64(\(literal))::VARCHAR" }
            if type.hasSuffix("]") || type.hasPrefix("STRUCT") {
                return "CAST(CAST(\(literal) AS JSON) AS \(type))::VARCHAR"
            }
            return "CAST(\(literal) AS \(type))::VARCHAR"
        }
        let values = try connection.query("SELECT \(casts.joined(separator: ", "))").rows[0].map(\.string)
        #expect(values[0] == "12")
        #expect(values[1]?.hasPrefix("2024-01-31 10:00:00") == true)
        #expect(values[2] == #"[a, 'b "quoted"']"#)
        #expect(values[3] == "{'city': Praha, 'zip': 11000}")
        #expect(values[4] == "hello" && values[5] == nil)
    }

    @Test func theRowParserReadsWhatTheDecoderReads() throws {
        let documents = [
            #"{"jobComplete":true,"rows":[{"f":[{"v":"1"},{"v":null},{"v":"a \"q\" \\ \n \u00e9 \ud83d\ude00 \/"}]}],"pageToken":"x","totalRows":"1"}"#,
            #"{ "rows" : [ { "f" : [ { "v" : [ {"v":"a"}, {"v":"b"} ] }, { "v" : { "f" : [ {"v":"Praha"}, {"v":null} ] } }, {"v": 12}, {"v": true} ] } ] , "jobComplete": false }"#,
            #"{"rows":[],"jobComplete":true}"#,
            #"{"jobComplete":true,"totalBytesProcessed":"10"}"#,
            #"{"rows":null,"schema":{"fields":[{"name":"a","type":"STRING"}]}}"#,
            #"{"schema":{"fields":[{"name":"rows","type":"RECORD","fields":[{"name":"x","type":"STRING"}]}]},"rows":[{"f":[{"v":{"f":[{"v":"ž"}]}}]}]}"#,
        ]
        for document in documents {
            let data = Data(document.utf8)
            let parsed = try BigQueryRowParser.response(data)
            let decoded = try JSONDecoder().decode(BigQueryQueryResponse.self, from: data)
            #expect(parsed.rows == decoded.rows, "\(document)")
            #expect(parsed.jobComplete == decoded.jobComplete && parsed.pageToken == decoded.pageToken)
            #expect(parsed.fields == decoded.fields && parsed.totalBytesProcessed == decoded.totalBytesProcessed)
        }
        #expect(throws: (any Error).self) { try BigQueryRowParser.response(Data(#"{"rows":[{"f":[{"v":"open"#.utf8)) }
        #expect(throws: (any Error).self) {
            try BigQueryRowParser.response(Data(#"{"rows":[{"f":[{"v":tru}]}]}"#.utf8))
        }
    }

    @Test func remoteScansSendGoogleSQL() {
        let note = RemoteColumn(name: "no`te", type: "VARCHAR")
        let amount = RemoteColumn(name: "amount", type: "DECIMAL(38,9)")
        let request = RemoteScanRequest(
            tableID: "t", columns: [note, amount],
            filters: [.compare(note, "=", .string(#"it's a \ test"#)), .isIn(amount, [.number("1"), .number("2.5")])],
            limit: 10)
        #expect(
            BigQuerySQL.select(request, from: BigQuerySQL.table(project: "p-1", dataset: "ds", table: "t"))
                == #"SELECT `no\`te`, `amount` FROM `p-1.ds.t` WHERE `no\`te` = 'it\'s a \\ test' AND `amount` IN (1, 2.5) LIMIT 10"#
        )
        #expect(BigQuerySQL.literal(.number("1 OR 1=1")) == "NULL")
        let count = RemoteScanRequest(tableID: "t", columns: [])
        #expect(BigQuerySQL.select(count, from: "`p.d.t`") == "SELECT 1 FROM `p.d.t`")
    }

    @Test func stagedRowsReadBackTyped() throws {
        let fields = [
            BigQueryField(name: "n", type: "NUMERIC"), BigQueryField(name: "at", type: "TIMESTAMP"),
            BigQueryField(name: "tags", type: "STRING", mode: "REPEATED"), Self.address,
            BigQueryField(name: "b", type: "BYTES"), BigQueryField(name: "n", type: "INT64"),
        ]
        let rows = [
            BigQueryCell.Row(f: [
                .text("12345678901234567890.123456789"), .text("1.7066952E9"), .list([.text("x")]),
                .record([.text("Brno"), .null]), .text("aGk="), .text("7"),
            ]),
            BigQueryCell.Row(f: [.null, .null, .list([]), .null, .null, .null]),
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("rows.ndjson")
        try rows.map { BigQueryTypes.stagedJSON($0, fields: fields) }.joined(separator: "\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let connection = try Database().connect()
        let select = BigQueryTypes.stagedSelect(file: file.path, fields: fields, isEmpty: false)
        let described = try connection.query("DESCRIBE \(select)").rows.map {
            "\($0[0].string ?? "") \($0[1].string ?? "")"
        }
        #expect(
            described == [
                "n DECIMAL(38,9)", "at TIMESTAMP WITH TIME ZONE", "tags VARCHAR[]",
                #"address STRUCT(city VARCHAR, zip BIGINT)"#, "b BLOB", "n_2 BIGINT",
            ])
        let values = try connection.query(
            "SELECT n::VARCHAR, tags::VARCHAR, address.city, b::VARCHAR, n_2 FROM (\(select))"
        ).rows
        #expect(values[0][0].string == "12345678901234567890.123456789")
        #expect(values[0][1].string == "[x]" && values[0][2].string == "Brno" && values[0][3].string == "hi")
        #expect(values[0][4].int64 == 7)
        #expect(values[1].allSatisfy { $0 == .null } || values[1][1].string == "[]")
        let empty = BigQueryTypes.stagedSelect(file: file.path, fields: fields, isEmpty: true)
        #expect(try connection.query(empty).rows.isEmpty)
    }
}
