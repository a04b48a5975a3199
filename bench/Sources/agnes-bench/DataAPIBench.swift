import AgnesCore
import AgnesData
import AgnesServer
import AgnesStore
import AsyncHTTPClient
import DuckDB
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `agnes-bench data DIR BIG_PARQUET`: the analyst data API on the demo data, each figure next to its
/// floor measured in the same run:
///
/// - `POST /api/query` (an analyst with grants, through the sandbox) for `SELECT count(*) FROM orders`
///   and a group-by over `events`, 1 and 8 concurrent clients (``RawHTTPLoad``, a wrk-like load
///   generator): p50/p99 latency and throughput, next to the same SQL run in-process on the DuckDB
///   binding over the same files (same threads, same pool);
/// - `GET /api/sync/manifest` with 1,000 tables next to `GET /api/version`, and again with
///   `Accept-Encoding: gzip` (no other client here sends it);
/// - `GET /api/data/big/download` of a 1 GB parquet next to `cat` of the same file and to a bare
///   `sendfile(2)` responder (the loopback HTTP ceiling), with the file in the page cache; then both
///   again with the file dropped from the page cache before each read.
enum DataAPIBench {
    static let queries = [
        ("count(*) orders", "SELECT count(*) FROM orders"),
        (
            "group-by events",
            "SELECT event_type, count(*) AS n, avg(duration_ms) AS avg_ms FROM events GROUP BY 1 ORDER BY 1"
        ),
    ]

    static func run(_ arguments: [String]) async throws {
        guard arguments.count == 2 else { throw BenchUsage("data <data-dir> <1gb-parquet>") }
        let directory = URL(fileURLWithPath: arguments[0])
        let big = URL(fileURLWithPath: arguments[1])
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let server = try await BenchServer.start(
            directory: directory.appendingPathComponent("demo"), big: big, logger: logger)
        defer { server.stop() }
        let analyst = try await server.analyst(tables: ["orders", "events", "customers", "big"])

        print(
            "POST /api/query on the demo data (analyst through the sandbox; keep-alive load generator) "
                + "vs in-process DuckDB (floor)")
        let served = try await server.services.analytics.generation!.servedTables()
        let floor = try InProcessFloor(
            tables: served.values.filter { ["orders", "events", "customers"].contains($0.id) })
        let engine = server.services.queryEngine
        let readable: Set<String> = ["orders", "events", "customers", "big"]
        for (label, sql) in queries {
            let json = Array(try JSONSerialization.data(withJSONObject: ["sql": sql, "limit": 1000]))
            for clients in [1, 8] {
                // The API is driven by a wrk-like load generator (keep-alive connections on threads of their
                // own, timed from the first byte sent to the last byte read), so the figure is the
                // server's and not an HTTP client library's.
                let load = try RawHTTPLoad(
                    port: server.port, clients: clients,
                    request: RawHTTPLoad.post(path: "/api/query", json: json, token: analyst))
                defer { load.close() }
                // The three run in turns (10 rounds), so a slower stretch of the machine hits all alike. A
                // 40 ms query varies by a few ms from one request to the next here: 300 samples each.
                let requests = clients == 1 ? 300 : 240
                let figures = try await measureInterleaved(
                    requests: requests, rounds: 10,
                    [
                        .load(load),
                        .calls(clients: clients) {
                            try await engine.run(sql, limit: 1000, readable: readable).rows.count
                        },
                        .calls(clients: clients) { try await floor.run(sql) },
                    ])
                let (http, sandboxed, inProcess) = (figures[0], figures[1], figures[2])
                print(
                    "  \(label.padding(toLength: 16, withPad: " ", startingAt: 0)) \(clients) client\(clients == 1 ? " " : "s")  "
                        + "api p50 \(ms(http.p50)) p99 \(ms(http.p99)) \(rate(http.throughput))   "
                        + "sandbox only p50 \(ms(sandboxed.p50)) \(rate(sandboxed.throughput))   "
                        + "floor p50 \(ms(inProcess.p50)) p99 \(ms(inProcess.p99)) \(rate(inProcess.throughput))   "
                        + String(format: "overhead p50 %+.2f ms", (http.p50 - inProcess.p50) * 1000)
                        // With 8 requests in flight on 2 cores, each one's p50 includes waiting behind the
                        // others (Little's law), so its difference is the per-request cost times the queue;
                        // the per-request cost itself is the difference of the service times (1/throughput).
                        + (clients == 1
                            ? ""
                            : String(
                                format: ", per request %+.2f ms",
                                (1 / http.throughput - 1 / inProcess.throughput) * 1000)))
            }
        }

        print("Download of a \(String(format: "%.2f", Double(try size(of: big)) / 1e9)) GB parquet")
        // Warm: the file in the page cache. cat, the route and a bare sendfile(2) responder fetched by the
        // same curl (what HTTP over loopback allows at all) take turns, best of 3 each.
        let responder = try SendfileResponder(serving: served["big"]!.file!)
        var (floorRate, download, bare) = (0.0, 0.0, 0.0)
        for _ in 0..<3 {
            floorRate = max(floorRate, try catThroughput(of: served["big"]!.file!))
            download = max(download, try server.downloadThroughput(table: "big", token: analyst))
            bare = max(bare, try BenchServer.curlThroughput(url: "http://127.0.0.1:\(responder.port)/", token: nil))
        }
        responder.stop()
        print(String(format: "  cat > /dev/null, warm cache (floor)  %8.1f MB/s", floorRate))
        print(
            String(
                format: "  bare sendfile responder, warm (curl) %8.1f MB/s  (%.0f%% of cat: the loopback HTTP ceiling)",
                bare, bare / floorRate * 100))
        print(
            String(
                format:
                    "  GET /api/data/big/download, warm     %8.1f MB/s  (%.0f%% of cat, %.0f%% of the bare responder)",
                download, download / floorRate * 100, download / bare * 100))
        // Cold: the file dropped from the page cache before every read (a table nobody read lately), so
        // both read the disk; taking turns, best of 3 each.
        var (coldCat, coldDownload) = (0.0, 0.0)
        for _ in 0..<3 {
            try evict(served["big"]!.file!)
            coldCat = max(coldCat, try catThroughput(of: served["big"]!.file!))
            try evict(served["big"]!.file!)
            coldDownload = max(coldDownload, try server.downloadThroughput(table: "big", token: analyst))
        }
        print(String(format: "  cat > /dev/null, cold cache (floor)  %8.1f MB/s", coldCat))
        print(
            String(
                format: "  GET /api/data/big/download, cold     %8.1f MB/s  (%.0f%% of cold cat)", coldDownload,
                coldDownload / coldCat * 100))
        server.stop()

        print("GET /api/sync/manifest with 1,000 tables (50 sources x 20) vs GET /api/version (floor)")
        let wide = try await BenchServer.start(
            directory: directory.appendingPathComponent("wide"), big: nil, logger: logger, wideSources: 50,
            wideTables: 20)
        defer { wide.stop() }
        let reader = try await wide.analyst(tables: wide.tableIDs)
        let version = try await measure(requests: 300, clients: 1) { try await wide.get("/api/version", token: nil) }
        let manifest = try await measure(requests: 300, clients: 1) {
            try await wide.get("/api/sync/manifest", token: reader)
        }
        let bytes = try await wide.get("/api/sync/manifest", token: reader)
        // The same with `Accept-Encoding: gzip`, as browsers and curl --compressed send it (the lines above
        // and the query figures are clients that do not: answered as before, plus `Vary`).
        let gzipped = try await measure(requests: 300, clients: 1) {
            try await wide.get("/api/sync/manifest", token: reader, acceptEncoding: "gzip")
        }
        let gzippedBytes = try await wide.get("/api/sync/manifest", token: reader, acceptEncoding: "gzip")
        print("  GET /api/version (floor)             p50 \(ms(version.p50)) p99 \(ms(version.p99))")
        print(
            "  GET /api/sync/manifest (1,000 rows)  p50 \(ms(manifest.p50)) p99 \(ms(manifest.p99))  "
                + "(\(bytes / 1024) KiB, analyst with 1,000 grants)")
        print(
            "  GET /api/sync/manifest, gzip         p50 \(ms(gzipped.p50)) p99 \(ms(gzipped.p99))  "
                + "(\(gzippedBytes / 1024) KiB on the wire)")
        wide.stop()
        for name in ["demo", "wide"] { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
    }

    struct Figures {
        let p50: Double
        let p99: Double
        let throughput: Double
    }

    /// Runs `requests` calls spread over `clients` concurrent loops (after a warm-up) and reports seconds.
    static func measure(requests: Int, clients: Int, _ call: @escaping @Sendable () async throws -> Int) async throws
        -> Figures
    {
        for _ in 0..<max(3, clients) { _ = try await call() }
        let (latencies, elapsed) = try await samples(requests: requests, clients: clients, call)
        return figures(latencies, requests: requests, elapsed: elapsed)
    }

    /// What ``measureInterleaved`` drives: calls made from async tasks (`clients` loops), or the load
    /// generator's connections.
    enum Driver {
        case calls(clients: Int, @Sendable () async throws -> Int)
        case load(RawHTTPLoad)

        /// Runs `requests` requests after a warm-up; returns their latencies and the wall time.
        func run(requests: Int) async throws -> ([Double], Double) {
            switch self {
            case .calls(let clients, let call):
                return try await samples(requests: requests, clients: clients, call)
            case .load(let load):
                let start = ContinuousClock.now
                let latencies = try await load.run(requests: requests)
                return (latencies, (ContinuousClock.now - start).seconds)
            }
        }

        func warmUp() async throws {
            switch self {
            case .calls(let clients, let call): for _ in 0..<max(3, clients) { _ = try await call() }
            case .load(let load): _ = try await load.run(requests: max(3, load.clients))
            }
        }
    }

    /// Several drivers taking turns: `rounds` rounds, each running a share of the requests of every
    /// driver in order; figures per driver over all its rounds.
    static func measureInterleaved(requests: Int, rounds: Int = 5, _ drivers: [Driver]) async throws -> [Figures] {
        for driver in drivers { try await driver.warmUp() }
        var latencies = Array(repeating: [Double](), count: drivers.count)
        var elapsed = Array(repeating: 0.0, count: drivers.count)
        for _ in 0..<rounds {
            for (index, driver) in drivers.enumerated() {
                let (samples, seconds) = try await driver.run(requests: requests / rounds)
                latencies[index] += samples
                elapsed[index] += seconds
            }
        }
        return drivers.indices.map { figures(latencies[$0], requests: latencies[$0].count, elapsed: elapsed[$0]) }
    }

    static func samples(
        requests: Int, clients: Int, _ call: @escaping @Sendable () async throws -> Int
    ) async throws -> ([Double], Double) {
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<clients {
                let share = requests / clients + (client < requests % clients ? 1 : 0)
                group.addTask {
                    var samples: [Double] = []
                    for _ in 0..<share {
                        let begin = ContinuousClock.now
                        _ = try await call()
                        samples.append((ContinuousClock.now - begin).seconds)
                    }
                    return samples
                }
            }
            var all: [Double] = []
            for try await samples in group { all += samples }
            return all
        }
        return (latencies, (ContinuousClock.now - start).seconds)
    }

    private static func figures(_ latencies: [Double], requests: Int, elapsed: Double) -> Figures {
        let sorted = latencies.sorted()
        return Figures(
            p50: sorted[sorted.count / 2], p99: sorted[min(sorted.count - 1, sorted.count * 99 / 100)],
            throughput: Double(requests) / elapsed)
    }

    static func catThroughput(of file: URL) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/cat")
        process.arguments = [file.path]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let start = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        return Double(try size(of: file)) / 1e6 / (ContinuousClock.now - start).seconds
    }

    /// Drops `file` from the page cache (its pages are clean: it is never written after publishing).
    static func evict(_ file: URL) throws {
        let descriptor = open(file.path, O_RDONLY)
        guard descriptor >= 0 else { throw BenchFailure("cannot open \(file.path)") }
        defer { close(descriptor) }
        guard posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_DONTNEED)) == 0 else {
            throw BenchFailure("posix_fadvise failed on \(file.path)")
        }
    }

    static func size(of file: URL) throws -> Int64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }

    static func ms(_ seconds: Double) -> String { String(format: "%7.2f ms", seconds * 1000) }
    static func rate(_ perSecond: Double) -> String { String(format: "%7.1f req/s", perSecond) }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The same SQL on the DuckDB binding in this process: views over the same files, the same thread
/// count and pool size as a sandbox, no HTTP, no auth, no sandbox lookup.
struct InProcessFloor: Sendable {
    let pool: ConnectionPool

    init(tables: [ServedTable]) throws {
        let limits = SandboxLimits()
        let database = try Database(options: ["threads": String(limits.threads), "memory_limit": limits.memoryLimit])
        let setup = try database.connect()
        for table in tables {
            try setup.execute(
                "CREATE VIEW \"\(table.id)\" AS SELECT * FROM read_parquet(\(SQLText.literal(table.file!.path)))")
        }
        pool = try ConnectionPool(database: database, size: limits.connections)
    }

    func run(_ sql: String) async throws -> Int {
        try await pool.withConnection { try $0.query(sql, maxRows: 1001).rows.count }
    }
}
