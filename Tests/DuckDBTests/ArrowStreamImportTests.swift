import AgnesTestSupport
import DuckDB
import Foundation
import Testing

/// Arrow IPC streams read back into parquet (what `agnes snapshot create` does with `/api/v2/scan`):
/// every type our writer emits and pyarrow's own streams round-trip; malformed streams are refused with
/// a clear error and leave no parquet behind.
@Suite struct ArrowStreamImportTests {
    final class Files {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arrow-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: directory) }
        func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
    }

    /// The rows of `sql` as text, in order, for comparing a source with its round trip.
    static func rows(_ sql: String, _ connection: Connection) throws -> [[String]] {
        try connection.query(sql).rows.map { $0.map(\.description) }
    }

    static func roundTrip(_ sql: String, files: Files, order: String) throws -> (original: [[String]], back: [[String]]) {
        let (bytes, summary) = try ArrowIPCTests.stream(sql)
        let stream = files.url("s.arrows")
        let parquet = files.url("s.parquet")
        try Data(bytes).write(to: stream)
        let rows = try Database.copyArrowStream(at: stream, toParquet: parquet)
        #expect(rows == summary.rows)
        let connection = try Database().connect()
        let original = try Self.rows("SELECT * FROM (\(sql)) ORDER BY \(order)", connection)
        let back = try Self.rows("SELECT * FROM read_parquet('\(parquet.path)') ORDER BY \(order)", connection)
        return (original, back)
    }

    @Test func flatColumnsRoundTripThroughParquet() throws {
        let files = try Files()
        let (original, back) = try Self.roundTrip(ArrowIPCTests.flatSQL, files: files, order: "i")
        #expect(original.count == 5000 && back == original)
        let connection = try Database().connect()
        let types = try connection.query("DESCRIBE SELECT * FROM read_parquet('\(files.url("s.parquet").path)')").rows
        #expect(types.map { $0[1].description } == ["INTEGER", "BIGINT", "DECIMAL(21,1)", "VARCHAR", "BOOLEAN", "DATE", "INTEGER"])
    }

    @Test func nestedAndOtherTypesRoundTrip() throws {
        let files = try Files()
        let sql = ArrowIPCTests.nestedSQL.replacingOccurrences(of: "gen_random_uuid()", with: "'5b9c1d3e-0000-4000-8000-000000000001'::UUID")
        let (original, back) = try Self.roundTrip(sql, files: files, order: "tiny")
        #expect(original.count == 3 && back == original)
    }

    @Test func anEmptyStreamMakesAnEmptyParquetWithItsColumns() throws {
        let files = try Files()
        let (original, back) = try Self.roundTrip("SELECT 1 AS x, 'a' AS y WHERE false", files: files, order: "x")
        #expect(original.isEmpty && back.isEmpty)
        let columns = try Database().connect().query("DESCRIBE SELECT * FROM read_parquet('\(files.url("s.parquet").path)')").rows
        #expect(columns.map { $0[0].description } == ["x", "y"])
    }

    @Test func pyarrowsOwnStreamsAreRead() throws {
        let files = try Files()
        let stream = files.url("py.arrows")
        let script = """
            import sys, pyarrow as pa, pyarrow.ipc as ipc, datetime, decimal
            t = pa.table({'id': pa.array([1, 2, None], pa.int64()), 'name': ['a', None, 'ccc'],
                'amount': pa.array([decimal.Decimal('1.25'), None, decimal.Decimal('-3.50')], pa.decimal128(10, 2)),
                'day': pa.array([datetime.date(2024, 1, 1), None, datetime.date(2024, 12, 31)]),
                'tags': pa.array([['x'], [], None], pa.list_(pa.string())), 'big': pa.array(['p', 'q', 'r'], pa.large_string()),
                'd64': pa.array([datetime.date(2024, 2, 29), None, datetime.date(1999, 12, 31)], pa.date64()),
                't32': pa.array([datetime.time(12, 30, 15), None, datetime.time(0, 0, 1)], pa.time32('ms'))})
            with pa.OSFile(sys.argv[1], 'wb') as sink, ipc.new_stream(sink, t.schema) as w:
                w.write_table(t, max_chunksize=2)
            """
        let written = try TestProcess.run(PyArrow.python, ["-c", script, stream.path])
        #expect(written.status == 0, "\(written.standardError)")
        let rows = try Database.copyArrowStream(at: stream, toParquet: files.url("py.parquet"))
        #expect(rows == 3)
        let back = try Self.rows(
            "SELECT * FROM read_parquet('\(files.url("py.parquet").path)')", try Database().connect())
        #expect(back == [
            ["1", "a", "1.25", "2024-01-01", "['x']", "p", "2024-02-29", "12:30:15"],
            ["2", "NULL", "NULL", "NULL", "[]", "q", "NULL", "NULL"],
            ["NULL", "ccc", "-3.50", "2024-12-31", "NULL", "r", "1999-12-31", "00:00:01"],
        ])
    }

    @Test func malformedStreamsAreRefusedWithoutAParquet() throws {
        let files = try Files()
        let (good, _) = try ArrowIPCTests.stream(ArrowIPCTests.flatSQL)
        var cases: [(String, [UInt8])] = [
            ("empty", []),
            ("not arrow", Array("{\"detail\":\"nope\"}".utf8)),
            ("truncated mid-body", Array(good.prefix(good.count / 2))),
            ("only the end marker", [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]),
            ("huge metadata length", [0xFF, 0xFF, 0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0x7F]),
            // Cut exactly where a message ends: without the end-of-stream marker it is not whole.
            ("no end marker", Array(good.dropLast(8))),
        ]
        // A buffer offset in the first record batch pushed past its body.
        var corrupt = good
        if let batch = Self.firstBatchBufferVector(in: good) {
            for index in 0..<8 { corrupt[batch + index] = 0x7F }
            cases.append(("buffer out of bounds", corrupt))
        }
        for (name, bytes) in cases {
            let stream = files.url("\(name).arrows")
            let parquet = files.url("\(name).parquet")
            try Data(bytes).write(to: stream)
            #expect(throws: DuckDBError.self, "\(name)") { try Database.copyArrowStream(at: stream, toParquet: parquet) }
        }
        #expect(cases.count == 7)
    }

    /// The position of the first buffer's offset in the first record batch (found by searching for
    /// the second message and decoding its header with the test reader's layout).
    static func firstBatchBufferVector(in bytes: [UInt8]) -> Int? {
        func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        let schemaLength = u32(4)
        let second = 8 + schemaLength + 0  // the schema message has no body
        let metadataStart = second + 8
        let root = metadataStart + u32(metadataStart)
        func field(_ table: Int, _ id: Int) -> Int? {
            let vtable = table - Int(Int32(truncatingIfNeeded: u32(table)))
            let size = Int(bytes[vtable]) | Int(bytes[vtable + 1]) << 8
            guard 4 + 2 * id < size else { return nil }
            let offset = Int(bytes[vtable + 4 + 2 * id]) | Int(bytes[vtable + 5 + 2 * id]) << 8
            return offset == 0 ? nil : table + offset
        }
        guard let headerSlot = field(root, 2) else { return nil }
        let header = headerSlot + u32(headerSlot)
        guard let buffersSlot = field(header, 2) else { return nil }
        let vector = buffersSlot + u32(buffersSlot)
        return vector + 4 + 16  // the second buffer's offset (the first is a validity bitmap, often empty)
    }
}
