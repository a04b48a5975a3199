// Benchmarks of the DuckDB binding, printed next to a floor measured in the same run by bench/*.sh.
import DuckDB
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 3, arguments.first == "aggregate", let iterations = Int(arguments.last!) else {
    FileHandle.standardError.write(Data("usage: agnes-bench aggregate <file.parquet> <iterations>\n".utf8))
    exit(2)
}
let path = arguments[arguments.startIndex + 1]
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
    let result = try statement.query([.varchar(path)])
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    groups = result.rows.count
    samples.append(elapsed)
}
samples = Array(samples.dropFirst(2)).sorted()  // two warm-up runs
let median = samples[samples.count / 2]
print(String(format: "swift-binding  median %.2f ms  min %.2f ms  (%d groups, %d runs)", median, samples[0], groups, samples.count))
