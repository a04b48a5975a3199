import AgnesCore
import AgnesData
import AgnesStore
import DuckDB
import Foundation
import Logging

/// `rebuild <data-dir> <sources> <tables> <iterations>`: orchestrator rebuild time, next to the floor of
/// the same ATTACH + CREATE VIEW statements run bare on one DuckDB connection.
enum RebuildBench {
    static func run(_ arguments: [String]) async throws {
        guard arguments.count == 4, let sources = Int(arguments[1]), let tables = Int(arguments[2]),
            let iterations = Int(arguments[3])
        else { throw BenchUsage("rebuild <data-dir> <sources> <tables> <iterations>") }
        let root = URL(fileURLWithPath: arguments[0])
        try? FileManager.default.removeItem(at: root)
        let layout = DataLayout(root: root)
        try writeSources(layout: layout, sources: sources, tables: tables)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try await SystemStore.open(dataDirectory: root.path, logger: logger)
        let analytics = AnalyticsDatabase(layout: layout, logger: logger)
        let orchestrator = Orchestrator(
            layout: layout, store: store, analytics: analytics, policy: .defaults, logger: logger)
        var start = DispatchTime.now().uptimeNanoseconds
        let first = try await orchestrator.rebuild()
        let firstMS = milliseconds(since: start)
        guard first.issues.isEmpty, first.views.count == sources * tables else {
            throw BenchFailure("rebuild reported \(first.issues)")
        }
        var samples: [Double] = []
        var phases: [String: Int] = [:]
        for _ in 0..<iterations {
            start = DispatchTime.now().uptimeNanoseconds
            phases = try await orchestrator.rebuild().phasesMS
            samples.append(milliseconds(since: start))
        }
        samples.sort()
        var floors: [Double] = []
        for _ in 0..<iterations { floors.append(try floor(layout: layout)) }
        floors.sort()
        print(
            String(
                format:
                    "%3d sources x %2d tables: first rebuild %7.1f ms | steady rebuild median %7.1f ms | floor (bare ATTACH + CREATE VIEW) median %7.1f ms",
                sources, tables, firstMS, samples[samples.count / 2], floors[floors.count / 2]))
        print(
            "    first rebuild phases (ms): \(first.phasesMS.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
        )
        print(
            "    steady rebuild phases (ms): \(phases.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
        )
    }

    static func floor(layout: DataLayout) throws -> Double {
        let target = layout.root.appendingPathComponent("floor.duckdb")
        try? FileManager.default.removeItem(at: target)
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let connection = try Database(path: target.path, options: ["threads": "2"]).connect()
            var views: [(String, String)] = []
            for (name, file) in layout.extractFiles() {
                try connection.execute("ATTACH \(SQLText.literal(file.path)) AS \"\(name)\" (READ_ONLY)")
                for row in try connection.query("SELECT table_name FROM \"\(name)\"._meta").rows {
                    views.append((name, row[0].string!))
                }
            }
            try connection.execute("BEGIN TRANSACTION")
            for (source, view) in views {
                try connection.execute("CREATE VIEW \"\(view)\" AS SELECT * FROM \"\(source)\".\"\(view)\"")
            }
            try connection.execute("COMMIT")
            try connection.execute("CHECKPOINT")
        }
        let elapsed = milliseconds(since: start)
        try? FileManager.default.removeItem(at: target)
        return elapsed
    }

    static func writeSources(layout: DataLayout, sources: Int, tables: Int) throws {
        let connection = try Database().connect()
        for source in 0..<sources {
            let writer = ExtractWriter(sourceDirectory: layout.sourceDirectory(Identifier("source_\(source)")!))
            var entries: [ExtractTable] = []
            for table in 0..<tables {
                let name = Identifier("s\(source)_table_\(table)")!
                let published = try Publisher().publish(to: writer.dataFile(for: name)) { temporary in
                    try connection.execute(
                        "COPY (SELECT range AS id, range * 2 AS value, 'x' || range AS label FROM range(1000)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet)"
                    )
                }
                entries.append(ExtractTable(name: name, rows: 1000, file: published))
            }
            try writer.write(tables: entries)
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
