import AgnesCore
import AgnesData
import AgnesServer
import DuckDB
import Foundation

/// `profile <file.parquet> <iterations>`: the table profiler with the documented defaults (sample of
/// 500,000 rows, 2 threads) on one file, e.g. the 5M-row demo `events` table, next to its floor in the
/// same run: DuckDB's own `SUMMARIZE` of the same file with the same threads, in turns with the
/// profiler; `--json` prints the profile.
enum ProfileBench {
    static func run(_ arguments: [String]) throws {
        guard (2...3).contains(arguments.count), let iterations = Int(arguments[1]), iterations > 0 else {
            throw BenchUsage("profile <file.parquet> <iterations> [--json]")
        }
        let file = URL(fileURLWithPath: arguments[0])
        if !FileManager.default.fileExists(atPath: file.path), file.lastPathComponent == "events.parquet" {
            print("generating the demo tables (5M-row events) in \(file.deletingLastPathComponent().path) ...")
            try DemoData.generate(
                into: file.deletingLastPathComponent(),
                size: DemoData.Size(orders: 1, customers: 10_000, events: 5_000_000))
        }
        let profiler = TableProfiler(
            settings: ProfilerSettings(),
            limits: ProfilerLimits(temporaryDirectory: FileManager.default.temporaryDirectory))
        let connection = try Database(options: ["threads": "2", "memory_limit": "4GB"]).connect()
        let summarize = "SUMMARIZE SELECT * FROM read_parquet(\(SQLText.literal(file.path)))"
        var samples: [Double] = []
        var floors: [Double] = []
        var document: ProfileDocument?
        for _ in 0..<iterations {
            var start = DispatchTime.now().uptimeNanoseconds
            _ = try connection.query(summarize)
            floors.append(milliseconds(since: start))
            start = DispatchTime.now().uptimeNanoseconds
            document = try profiler.profile(ProfileSubject(tableID: "bench", file: file, primaryKey: ["event_id"]))
            samples.append(milliseconds(since: start))
        }
        samples.sort()
        floors.sort()
        print(
            String(
                format:
                    "SUMMARIZE (floor: DuckDB alone, whole file, 2 threads)  median %.0f ms  min %.0f ms  (%d runs)",
                floors[floors.count / 2], floors[0], floors.count))
        print(
            String(
                format: "profile  median %.0f ms  min %.0f ms  (%d rows, %d columns, sampled %@, %d runs)",
                samples[samples.count / 2], samples[0], document?.rowCount ?? 0, document?.columnCount ?? 0,
                document?.isSampled == true ? "yes" : "no", samples.count))
        if arguments.count == 3, arguments[2] == "--json", let document {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
        }
    }
}
