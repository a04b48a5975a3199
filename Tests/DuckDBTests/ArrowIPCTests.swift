import AgnesTestSupport
import DuckDB
import Foundation
import Testing

/// Arrow IPC streams written from DuckDB results: framing, schema, values, truncation, and what Arrow's
/// own reader (pyarrow, from the test venv) makes of them.
@Suite struct ArrowIPCTests {
    static let flatSQL = """
        SELECT i::INTEGER AS i, i::BIGINT * 1000000000 AS big, i * 1.5 AS d, 'row ' || i AS s, i % 2 = 0 AS even,
            DATE '2024-01-01' + i::INTEGER AS day, CASE WHEN i % 3 = 0 THEN NULL ELSE i::INTEGER END AS maybe
        FROM range(5000) t(i) ORDER BY i
        """

    static let nestedSQL = """
        SELECT [i, i + 1] AS list, {'a': i, 'b': 'x' || i} AS struct, MAP {'k': i} AS map,
            (i / 3)::DECIMAL(18, 3) AS small_decimal, i::DECIMAL(38, 2) AS wide_decimal, i::HUGEINT AS huge,
            TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i) AS at, TIMESTAMP '2024-01-01' AS ts,
            'ab'::BLOB AS bytes, gen_random_uuid() AS id, INTERVAL 1 DAY AS span, TIME '12:00:00' AS t,
            i::TINYINT AS tiny, i::UBIGINT AS unsigned, i::FLOAT AS real, NULL AS nothing
        FROM range(3) t(i)
        """

    static func stream(_ sql: String, maxBytes: Int = .max) throws -> ([UInt8], ArrowIPCSummary) {
        let connection = try Database(options: ["threads": "1"]).connect()
        var bytes: [UInt8] = []
        let summary = try connection.prepare(sql).stream(lazily: true) { stream in
            try stream.writeArrowIPC(maxBytes: maxBytes) { bytes += $0 }
        }
        return (bytes, summary)
    }

    @Test func flatColumnsRoundTrip() throws {
        let (bytes, summary) = try Self.stream(Self.flatSQL)
        #expect(summary.rows == 5000 && summary.bytes == bytes.count && !summary.isTruncated)
        let reader = try ArrowStreamReader(bytes)
        #expect(reader.fields.map(\.name) == ["i", "big", "d", "s", "even", "day", "maybe"])
        #expect(reader.fields.map(\.typeID) == [2, 2, 7, 5, 6, 8, 2])
        #expect(reader.batches.count > 1)
        #expect(reader.rowCount == 5000)
        #expect(reader.values(0) == (0..<5000).map { AnyHashable($0) })
        #expect(reader.values(1).last == AnyHashable(4999 * 1_000_000_000))
        #expect(reader.values(3).prefix(2) == ["row 0", "row 1"])
        #expect(reader.values(4).prefix(3) == [true, false, true])
        #expect(reader.values(6).prefix(4) == [nil, 1, 2, nil])
    }

    @Test func nestedAndOtherTypesAreFramed() throws {
        let (bytes, summary) = try Self.stream(Self.nestedSQL)
        let reader = try ArrowStreamReader(bytes)
        #expect(summary.rows == 3 && reader.rowCount == 3)
        #expect(reader.fields.count == 16)
        #expect(reader.fields[0].typeID == 12 && reader.fields[0].children.count == 1)
        #expect(reader.fields[1].typeID == 13 && reader.fields[1].children.map(\.name) == ["a", "b"])
        #expect(reader.fields[2].typeID == 17)
        #expect(reader.fields[6].typeID == 10)
    }

    @Test func anEmptyResultIsASchemaAndTheEndMarker() throws {
        let (bytes, summary) = try Self.stream("SELECT 1 AS x WHERE false")
        let reader = try ArrowStreamReader(bytes)
        #expect(summary.rows == 0 && reader.batches.isEmpty && reader.fields.map(\.name) == ["x"])
        #expect(Array(bytes.suffix(8)) == [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
    }

    @Test func aByteLimitStopsAtABatchBoundary() throws {
        let (whole, _) = try Self.stream(Self.flatSQL)
        let limit = whole.count * 2 / 3
        let (bytes, summary) = try Self.stream(Self.flatSQL, maxBytes: limit)
        let reader = try ArrowStreamReader(bytes)
        #expect(summary.isTruncated)
        #expect(bytes.count <= limit && summary.bytes == bytes.count)
        #expect(reader.rowCount == summary.rows && summary.rows > 0 && summary.rows < 5000)
    }

    static var python: String { PyArrow.python }

    /// Arrow's own reader, not ours, must accept the stream: runs by default (never skipped), so a
    /// machine without pyarrow fails here with what to do rather than passing unchecked.
    @Test func pyarrowReadsTheStream() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: Self.python)
        probe.arguments = ["-c", "import pyarrow"]
        try probe.run()
        probe.waitUntilExit()
        try #require(probe.terminationStatus == 0, "\(Self.python) has no pyarrow: run scripts/setup.sh")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-\(UUID().uuidString).arrows")
        defer { try? FileManager.default.removeItem(at: file) }
        let (flat, _) = try Self.stream(Self.flatSQL)
        let (nested, _) = try Self.stream(Self.nestedSQL)
        var outputs: [String] = []
        for bytes in [flat, nested] {
            try Data(bytes).write(to: file)
            let script = """
                import json, sys, pyarrow.ipc as ipc
                table = ipc.open_stream(open(sys.argv[1], 'rb')).read_all()
                table.validate(full=True)
                rows = table.slice(0, 3).to_pylist()
                print(json.dumps({'rows': table.num_rows, 'schema': [str(f.type) for f in table.schema], 'first': rows}, default=str))
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.python)
            process.arguments = ["-c", script, file.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            outputs.append(String(decoding: output, as: UTF8.self))
        }
        let flatResult = try #require(
            try JSONSerialization.jsonObject(with: Data(outputs[0].utf8)) as? [String: Any])
        #expect(flatResult["rows"] as? Int == 5000)
        #expect(
            flatResult["schema"] as? [String] == [
                "int32", "int64", "decimal128(21, 1)", "string", "bool", "date32[day]", "int32",
            ])
        let first = try #require(flatResult["first"] as? [[String: Any]])
        #expect(first[1]["s"] as? String == "row 1" && first[0]["maybe"] is NSNull && first[1]["maybe"] as? Int == 1)
        let nestedResult = try #require(
            try JSONSerialization.jsonObject(with: Data(outputs[1].utf8)) as? [String: Any])
        #expect(nestedResult["rows"] as? Int == 3)
        let schema = try #require(nestedResult["schema"] as? [String])
        #expect(schema.count == 16 && schema[0].hasPrefix("list<") && schema[1].hasPrefix("struct<"))
    }
}
