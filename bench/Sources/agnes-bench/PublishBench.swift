import AgnesData
import Foundation

/// `publish <file> <target-dir>`: the Publisher copying a file (temp + MD5 + fsync, then the version and
/// canonical links).
enum PublishBench {
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 2 else { throw BenchUsage("publish <file> <target-dir>") }
        let source = URL(fileURLWithPath: arguments[0])
        let target = URL(fileURLWithPath: arguments[1]).appendingPathComponent("published.parquet")
        let start = DispatchTime.now().uptimeNanoseconds
        let published = try Publisher().publish(copying: source, to: target)
        let seconds = milliseconds(since: start) / 1000
        print(
            String(
                format: "publisher (copy + md5 + fsync + links):  %7.1f MB/s  (%.2f s, md5 %@)",
                Double(published.sizeBytes) / 1e6 / seconds, seconds, published.md5))
    }
}
