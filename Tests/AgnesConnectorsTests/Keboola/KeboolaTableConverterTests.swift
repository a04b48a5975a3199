import AgnesData
import DuckDB
import Foundation
import Testing

@testable import AgnesConnectors

@Suite struct KeboolaTableConverterTests {
    typealias Column = KeboolaTableConverter.Column

    static let columns = [
        Column(name: "id", type: .integer), Column(name: "amount", type: .decimal(precision: 10, scale: 2)),
        Column(name: "ratio", type: .double), Column(name: "active", type: .boolean), Column(name: "day", type: .date),
        Column(name: "at", type: .timestamp), Column(name: "note", type: .string),
    ]

    /// Header-less slices as Keboola writes them: every value quoted, quotes doubled, newlines inside.
    static func slices(_ texts: [String], in directory: URL) throws -> [URL] {
        try texts.enumerated().map { index, text in
            let url = directory.appendingPathComponent("slice-\(index).csv")
            try Data(text.utf8).write(to: url)
            return url
        }
    }

    @Test func convertsSlicesToTypedParquet() throws {
        let directory = try temporaryDirectory("kbc-convert")
        defer { try? FileManager.default.removeItem(at: directory) }
        let slices = try Self.slices(
            [
                "\"1\",\"12.50\",\"0.5\",\"true\",\"2026-01-02\",\"2026-01-02 03:04:05\",\"say \"\"hi\"\"\nthere\"\n",
                "\"2\",\"\",\"\",\"0\",\"\",\"\",\"\"\n\"3.0\",\"-1\",\"1e3\",\"f\",\"2026-12-31\",\"2026-12-31T23:59:59Z\",\"žluťoučký\"\n",
            ], in: directory)
        let converter = try KeboolaTableConverter.open(temporaryDirectory: directory.appendingPathComponent("tmp"), tableID: "in.c-t.t")
        let target = directory.appendingPathComponent("t.parquet")
        #expect(try converter.convert(slices: slices, columns: Self.columns, to: target) == 3)
        let connection = converter.connection
        let types = try connection.query("DESCRIBE SELECT * FROM read_parquet('\(target.path)')")
            .rows.map { "\($0[0].string ?? "") \($0[1].string ?? "")" }
        #expect(types == ["id BIGINT", "amount DECIMAL(10,2)", "ratio DOUBLE", "active BOOLEAN", "day DATE", "at TIMESTAMP", "note VARCHAR"])
        let rows = try connection.query(
            "SELECT id, CAST(amount AS VARCHAR), ratio, active, CAST(day AS VARCHAR), CAST(\"at\" AS VARCHAR), note FROM read_parquet(?) ORDER BY id",
            [.varchar(target.path)]
        ).rows
        #expect(rows[0][6].string == "say \"hi\"\nthere")
        #expect(rows[1][1] == .null && rows[1][2] == .null && rows[1][4] == .null && rows[1][5] == .null)
        #expect(rows[1][6].string == "")  // an empty text stays empty, not NULL
        #expect(rows[2][0].int64 == 3 && rows[2][1].string == "-1.00" && rows[2][2].double == 1000)
        #expect(rows[2][5].string == "2026-12-31 23:59:59" && rows[2][6].string == "žluťoučký")
    }

    @Test(arguments: [
        ("\"1\",\"x\"\n\"2.5\",\"y\"\n", "column id, row 2 of the export: '2.5' is not a valid INTEGER"),
        ("\"1\",\"2026-02-30\"\n", "column day, row 1 of the export: '2026-02-30' is not a valid DATE"),
        ("\"1\",\"2026-01-01\"\n\"2\",\"2026-01-02\"\n\"abc\",\"2026-01-03\"\n", "column id, row 3 of the export: 'abc' is not a valid INTEGER"),
    ])
    func namesTheColumnRowAndValueThatDoNotParse(csv: String, message: String) throws {
        let directory = try temporaryDirectory("kbc-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let columns = [Column(name: "id", type: .integer), Column(name: message.contains("DATE") ? "day" : "note", type: message.contains("DATE") ? .date : .string)]
        let converter = try KeboolaTableConverter.open(temporaryDirectory: directory.appendingPathComponent("tmp"), tableID: "in.c-t.bad")
        let target = directory.appendingPathComponent("bad.parquet")
        let error = try #require(throws: KeboolaError.self) {
            try converter.convert(slices: try Self.slices([csv], in: directory), columns: columns, to: target)
        }
        #expect(error.code == .badValue)
        #expect(error.message == "in.c-t.bad: " + message + " (the type its Keboola metadata gives)")
        #expect(!FileManager.default.fileExists(atPath: target.path))
    }

    @Test func mergesADeltaOnThePrimaryKeyAndDropsDeletedKeys() throws {
        let directory = try temporaryDirectory("kbc-merge")
        defer { try? FileManager.default.removeItem(at: directory) }
        let columns = [Column(name: "id", type: .integer), Column(name: "name", type: .string)]
        let converter = try KeboolaTableConverter.open(temporaryDirectory: directory.appendingPathComponent("tmp"), tableID: "in.c-t.m")
        let base = directory.appendingPathComponent("base.parquet")
        let delta = directory.appendingPathComponent("delta.parquet")
        let merged = directory.appendingPathComponent("merged.parquet")
        let retained = directory.appendingPathComponent("retained.parquet")
        _ = try converter.convert(slices: try Self.slices(["\"1\",\"a\"\n\"2\",\"b\"\n\"3\",\"c\"\n"], in: directory), columns: columns, to: base)
        let deltaDirectory = directory.appendingPathComponent("d")
        try FileManager.default.createDirectory(at: deltaDirectory, withIntermediateDirectories: true)
        _ = try converter.convert(slices: try Self.slices(["\"2\",\"B\"\n\"4\",\"d\"\n"], in: deltaDirectory), columns: columns, to: delta)
        #expect(try converter.merge(previous: base, delta: delta, primaryKey: ["id"], to: merged) == 4)
        let keysDirectory = directory.appendingPathComponent("k")
        try FileManager.default.createDirectory(at: keysDirectory, withIntermediateDirectories: true)
        let keys = try Self.slices(["\"1\"\n\"2\"\n\"4\"\n"], in: keysDirectory)
        #expect(try converter.retainKeys(of: keys, keyColumns: [columns[0]], file: merged, to: retained) == 3)
        let rows = try converter.connection.query("SELECT id, name FROM read_parquet(?) ORDER BY id", [.varchar(retained.path)]).rows
        #expect(rows.map { "\($0[0].int64 ?? 0)\($0[1].string ?? "")" } == ["1a", "2B", "4d"])
    }
}
