import DuckDB
import Foundation

/// `aggregate <file.parquet> <iterations>`: a 1M-row GROUP BY through the Swift binding.
enum AggregateBench {
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 2, let iterations = Int(arguments[1]) else {
            throw BenchUsage("aggregate <file.parquet> <iterations>")
        }
        let sql = """
            SELECT category, count(*) AS n, sum(amount) AS total, avg(quantity) AS mean_quantity
            FROM read_parquet(?) GROUP BY category ORDER BY category
            """
        let connection = try Database(options: ["threads": "2"]).connect()
        let statement = try connection.prepare(sql)
        var samples: [Double] = []
        var groups = 0
        for _ in 0..<(iterations + 2) {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try statement.query([.varchar(arguments[0])])
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            groups = result.rows.count
        }
        samples = Array(samples.dropFirst(2)).sorted()
        print(
            String(
                format: "swift-binding  median %.2f ms  min %.2f ms  (%d groups, %d runs)", samples[samples.count / 2],
                samples[0], groups, samples.count))
    }
}

struct BenchUsage: Error, CustomStringConvertible {
    let usage: String
    init(_ usage: String) { self.usage = usage }
    var description: String { "usage: agnes-bench \(usage)" }
}

func milliseconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }
