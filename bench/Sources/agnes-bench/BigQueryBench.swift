import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesFakes
import AsyncHTTPClient
import DuckDB
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// `bigquery <dir> <rows>` measures, against BigQuery fakes on 127.0.0.1:
/// 1. a query over a remote table (the sandbox's `agnes_remote` scan: dry run, job, pages, casts)
///    next to the fake's own answer time for the same two calls made by a plain HTTP client;
/// 2. the bytes a filtered, projected query pulls over the wire next to `SELECT *` (a counting proxy);
/// 3. materializing `rows` rows page by page into parquet (a page server that answers pre-rendered
///    pages, so the fake costs nothing) next to DuckDB writing the same rows from memory, and the peak
///    RSS during it.
enum BigQueryBench {
    static let project = "bench-proj"

    static func run(_ arguments: [String]) async throws {
        guard arguments.count == 2, let rows = Int(arguments[1]) else { throw BenchUsage("bigquery <dir> <rows>") }
        let directory = URL(fileURLWithPath: arguments[0])
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "bench.bigquery")
        logger.logLevel = .error
        // 3 first: its peak RSS is read before anything else grows the process.
        if ProcessInfo.processInfo.environment["BENCH_SKIP_MATERIALIZE"] == nil {
            try await materialization(
                rows: rows, directory: directory.appendingPathComponent("materialize"), logger: logger)
        }
        if ProcessInfo.processInfo.environment["BENCH_ONLY_MATERIALIZE"] == nil {
            try await remoteQueries(directory: directory.appendingPathComponent("remote"), logger: logger)
        }
    }

    /// Times the parts of reading one page of 10,000 rows: decoding the answer, making the staged JSON.
    static func probe() throws {
        var text = ""
        for i in 0..<10_000 {
            if i > 0 { text += "," }
            text +=
                #"{"f":[{"v":"\#(i)"},{"v":"customer_\#(i % 100000)"},{"v":"\#(i % 100000).25"},{"v":"1.7066952E9"},{"v":"2024-01-01"},{"v":"true"}]}"#
        }
        let page = Data((#"{"jobComplete":true,"schema":\#(PageServer.schema),"rows":["# + text + "]}").utf8)
        var started = DispatchTime.now().uptimeNanoseconds
        let response = try JSONDecoder().decode(BigQueryQueryResponse.self, from: page)
        print(
            String(
                format: "decode %.1f ms (%d rows, %.1f MB)", milliseconds(since: started), response.rows?.count ?? 0,
                Double(page.count) / 1e6))
    }

    // MARK: 1 and 2

    static func remoteQueries(directory: URL, logger: Logger) async throws {
        let fake = await FakeBigQuery.start(projectID: project)
        defer { Task { await fake.stop() } }
        let fields = [
            FakeBigQueryField("id", .int64), FakeBigQueryField("region", .string),
            FakeBigQueryField("amount", .float64),
            FakeBigQueryField("day", .date), FakeBigQueryField("note", .string),
        ]
        func rows(_ count: Int) -> [[FakeBigQueryValue]] {
            (0..<count).map { i in
                [
                    .int(Int64(i)), .string(["EU", "US", "APAC", "LATAM"][i % 4]), .double(Double(i % 1000) / 10),
                    .string("2024-01-\(String(format: "%02d", i % 28 + 1))"), .string("note number \(i) of the bench"),
                ]
            }
        }
        fake.putTable(project: project, dataset: "d", table: "small", fields: fields, rows: rows(1000))
        fake.putTable(project: project, dataset: "d", table: "wide", fields: fields, rows: rows(20_000))
        let proxy = try ThrottledProxy(
            upstreamPort: URLComponents(string: fake.apiBaseURL)!.port!, bytesPerSecond: 1 << 40)
        defer { proxy.stop() }
        let key = directory.appendingPathComponent("key.json")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try fake.serviceAccountKeyJSON().write(to: key, atomically: true, encoding: .utf8)
        let configuration = BigQueryConfiguration(
            apiBaseURL: "http://127.0.0.1:\(proxy.port)", dataProject: project, pageSize: 10_000)
        let connector = BigQueryConnector(
            layout: DataLayout(root: directory),
            tokens: GoogleAccessTokens(
                source: .serviceAccount(keyFile: key.path), http: BigQueryConnector.defaultHTTPClient),
            logger: logger, configuration: { configuration })
        let registrations = ["small", "wide"].map {
            TableRegistration(
                id: $0, name: $0, sourceType: "bigquery", bucket: "d", sourceTable: $0, queryMode: .remote)
        }
        let synced = try await connector.sync(ConnectorSyncRequest(due: registrations, registered: registrations))
        guard synced.outcomes.allSatisfy({ $0.kind == .synced }) else {
            throw BenchFailure("remote sync failed: \(synced.outcomes.map { $0.reason ?? "" })")
        }
        let sandbox = try QuerySandbox(
            tables: try remoteTables(directory.appendingPathComponent("extracts/bigquery/extract.duckdb")),
            limits: SandboxLimits(memoryLimit: "512MB", timeout: .seconds(60)),
            files: SandboxFiles(root: directory.appendingPathComponent("tmp/sandbox")),
            remote: RemoteSources(["bigquery": connector.remoteReader!]))

        // 1. A query over a remote table answered by the page server (which costs nothing), next to the
        // same two calls (dry run, job with its page) made by a plain HTTP client: one row (the fixed
        // cost) and 1,000 rows (what the rows add).
        for rows in [1, 1000] { try await remoteQuery(rows: rows, directory: directory, logger: logger) }

        if ProcessInfo.processInfo.environment["BENCH_SKIP_BYTES"] != nil { return }
        // 2. Bytes over the wire: SELECT * against a filtered, projected query of the 20,000-row table.
        func pulled(_ sql: String) async throws -> (wire: Int, processed: Int64, rows: Int) {
            let before = proxy.bytesDown
            let result = try await sandbox.run(sql, limit: 1_000_000)
            return (proxy.bytesDown - before, result.remoteBytes, result.rows.count)
        }
        let all = try await pulled("SELECT * FROM wide")
        let narrow = try await pulled("SELECT id, amount FROM wide WHERE region = 'EU' AND amount > 50")
        print(
            String(
                format:
                    "bigquery bytes pulled, 20,000 rows x 5 columns: SELECT * %8.0f KB over the wire (%d rows, %lld bytes billed)   filtered + projected %7.0f KB (%d rows, %lld bytes billed) = %4.1f%% of SELECT *",
                Double(all.wire) / 1024, all.rows, all.processed, Double(narrow.wire) / 1024, narrow.rows,
                narrow.processed,
                Double(narrow.wire) / Double(max(1, all.wire)) * 100))
    }

    static func remoteQuery(rows: Int, directory: URL, logger: Logger) async throws {
        let pages = await PageServer.start(totalRows: rows, pageSize: max(rows, 1))
        defer { Task { await pages.server.stop() } }
        let quick = directory.appendingPathComponent("quick-\(rows)")
        let quickConfiguration = BigQueryConfiguration(
            apiBaseURL: pages.server.base, dataProject: project, pageSize: 10_000)
        let quickConnector = BigQueryConnector(
            layout: DataLayout(root: quick),
            tokens: GoogleAccessTokens(
                source: .metadataServer(host: "127.0.0.1:\(pages.server.port)"),
                http: BigQueryConnector.defaultHTTPClient),
            logger: logger, configuration: { quickConfiguration })
        let quickTable = TableRegistration(
            id: "orders", name: "orders", sourceType: "bigquery", bucket: "d", sourceTable: "orders", queryMode: .remote
        )
        _ = try await quickConnector.sync(ConnectorSyncRequest(due: [quickTable], registered: [quickTable]))
        let quickSandbox = try QuerySandbox(
            tables: try remoteTables(quick.appendingPathComponent("extracts/bigquery/extract.duckdb")),
            limits: SandboxLimits(memoryLimit: "512MB", timeout: .seconds(60)),
            files: SandboxFiles(root: quick.appendingPathComponent("tmp/sandbox")),
            remote: RemoteSources(["bigquery": quickConnector.remoteReader!]))
        // Every column in table order: the page server answers whole rows whatever the SQL asks.
        let sql = "SELECT * FROM orders"
        let http = BigQueryConnector.defaultHTTPClient
        var ours: [Double] = []
        var floor: [Double] = []
        let rounds = Int(ProcessInfo.processInfo.environment["BENCH_ROUNDS"] ?? "") ?? 40
        for round in 0..<rounds {
            let started = DispatchTime.now().uptimeNanoseconds
            let result = try await quickSandbox.run(sql, limit: 2000)
            let elapsed = milliseconds(since: started)
            guard !result.rows.isEmpty else { throw BenchFailure("the remote query answered no rows") }
            let floorStart = DispatchTime.now().uptimeNanoseconds
            for dryRun in [true, false] {
                try await post(
                    http, "\(pages.server.base)/bigquery/v2/projects/\(project)/queries", token: "bench",
                    body: ["query": "SELECT * FROM `\(project).d.orders`", "useLegacySql": false, "dryRun": dryRun])
            }
            let floorElapsed = milliseconds(since: floorStart)
            if round >= 10 {
                ours.append(elapsed)
                floor.append(floorElapsed)
            }
        }
        // What any query costs in the sandbox (parse, plan, run), remote or not: 1,000 rows of the same
        // six typed columns made locally.
        var local: [Double] = []
        let localSQL = """
            SELECT i AS id, 'customer_' || i AS customer, (i / 4.0)::DECIMAL(38,9) AS amount,
                TIMESTAMPTZ '2024-01-31 10:00:00+00' AS placed, DATE '2024-01-01' AS day, i % 3 = 0 AS active
            FROM range(\(rows)) t(i)
            """
        for round in 0..<30 {
            let started = DispatchTime.now().uptimeNanoseconds
            _ = try await quickSandbox.run(localSQL, limit: 2000)
            if round >= 10 { local.append(milliseconds(since: started)) }
        }
        print(
            String(
                format:
                    "sandbox reference: the same %5d rows x 6 typed columns made locally in the sandbox: %6.2f ms median",
                rows, median(local)))
        let (median, floorMedian) = (median(ours), median(floor))
        print(
            String(
                format:
                    "bigquery remote query, %5d rows (dry run + job + page, in the sandbox, all columns): %6.2f ms median   the same two calls by a plain HTTP client: %6.2f ms   overhead %5.2f ms (target <= 5 ms + transfer)",
                rows, median, floorMedian, median - floorMedian))

    }

    static func post(_ http: HTTPClient, _ url: String, token: String, body: [String: Any]) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok else { throw BenchFailure("the fake answered \(response.status)") }
    }

    static func remoteTables(_ file: URL) throws -> [ServedTable] {
        let connection = try Database(path: file.path, options: ["access_mode": "READ_ONLY"]).connect()
        let names = try connection.query("SELECT table_name FROM _meta WHERE query_mode = 'remote'").rows.compactMap {
            $0[0].string
        }
        return try names.map { name in
            let columns = try connection.query(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [.varchar(name)]
            ).rows.map { RemoteColumn(name: $0[0].string ?? "", type: $0[1].string ?? "") }
            return ServedTable(
                id: name, source: "bigquery", queryMode: "remote", file: nil, md5: nil, sizeBytes: nil, rows: nil,
                remoteColumns: columns)
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    // MARK: 3

    /// Materializes `rows` rows served in pages of 10,000 by ``PageServer`` into parquet.
    static func materialization(rows: Int, directory: URL, logger: Logger) async throws {
        let pageSize = 10_000
        let server = await PageServer.start(totalRows: rows, pageSize: pageSize)
        defer { Task { await server.server.stop() } }
        let configuration = BigQueryConfiguration(
            apiBaseURL: server.server.base, dataProject: project, maxBytesPerMaterialize: 0, pageSize: pageSize)
        let connector = BigQueryConnector(
            layout: DataLayout(root: directory),
            tokens: GoogleAccessTokens(
                source: .metadataServer(host: "127.0.0.1:\(server.server.port)"),
                http: BigQueryConnector.defaultHTTPClient),
            logger: logger, configuration: { configuration })
        let registration = TableRegistration(
            id: "orders", name: "orders", sourceType: "bigquery", sourceQuery: "SELECT * FROM `\(project).d.orders`",
            queryMode: .materialized)
        let started = DispatchTime.now().uptimeNanoseconds
        let result = try await connector.sync(ConnectorSyncRequest(due: [registration], registered: [registration]))
        let seconds = milliseconds(since: started) / 1000
        let peak = KeboolaBench.peakResidentMegabytes()
        guard let outcome = result.outcomes.first, outcome.kind == .synced, outcome.rows == rows else {
            throw BenchFailure("the materialization failed: \(result.outcomes.first?.reason ?? "no outcome")")
        }
        // The floor: DuckDB writing the same rows from memory.
        let connection = try Database(options: ["threads": "2", "memory_limit": "256MB"]).connect()
        let floorStart = DispatchTime.now().uptimeNanoseconds
        try connection.execute(
            """
            COPY (SELECT i AS id, 'customer_' || (i % 100000) AS customer, ((i % 100000) / 100.0)::DECIMAL(38,9) AS amount,
                TIMESTAMPTZ '2024-01-31 10:00:00+00' + to_seconds(i % 1000000) AS placed, DATE '2024-01-01' + (i % 365)::INTEGER AS day,
                i % 3 = 0 AS active FROM range(\(rows)) t(i))
            TO '\(directory.appendingPathComponent("floor.parquet").path)' (FORMAT parquet, COMPRESSION zstd)
            """)
        let floorSeconds = milliseconds(since: floorStart) / 1000
        print(
            String(
                format:
                    "bigquery materialization %d rows in pages of %d (%.0f MB of JSON over HTTP): %6.2f s  %9.0f rows/s   peak RSS %4.0f MB (target < 300 MB)",
                rows, pageSize, Double(server.bytesServed) / 1e6, seconds, Double(rows) / seconds, peak))
        print(
            String(
                format:
                    "floor: DuckDB writing the same rows from memory to parquet:                  %6.2f s  %9.0f rows/s",
                floorSeconds, Double(rows) / floorSeconds))
    }
}

/// Answers BigQuery's calls for one query with pre-rendered pages: the metadata server's token, a dry
/// run's estimate, `jobs.query` with the first page, then `getQueryResults` page after page (the same
/// rows each time, so serving costs nothing next to what the client does with them).
final class PageServer: Sendable {
    let server: LoopbackServer
    private let served = Mutex(0)

    var bytesServed: Int { served.withLock { $0 } }

    private init(server: LoopbackServer) { self.server = server }

    static let schema =
        #"{"fields":[{"name":"id","type":"INTEGER","mode":"NULLABLE"},{"name":"customer","type":"STRING","mode":"NULLABLE"},{"name":"amount","type":"NUMERIC","mode":"NULLABLE"},{"name":"placed","type":"TIMESTAMP","mode":"NULLABLE"},{"name":"day","type":"DATE","mode":"NULLABLE"},{"name":"active","type":"BOOLEAN","mode":"NULLABLE"}]}"#

    static func start(totalRows: Int, pageSize: Int) async -> PageServer {
        var text = ""
        for i in 0..<pageSize {
            if i > 0 { text += "," }
            text +=
                #"{"f":[{"v":"\#(i)"},{"v":"customer_\#(i % 100000)"},{"v":"\#(i % 100000).25"},{"v":"1.7066952E9"},{"v":"2024-01-\#(String(format: "%02d", i % 28 + 1))"},{"v":"\#(i % 3 == 0 ? "true" : "false")"}]}"#
        }
        let rows = text
        let pages = (totalRows + pageSize - 1) / pageSize
        let router = Router()
        let box = Holder()
        @Sendable func page(_ number: Int) -> String {
            let count = number == pages - 1 ? totalRows - number * pageSize : pageSize
            let pageRows =
                count == pageSize
                ? rows
                : String(
                    rows.split(separator: "}]}", omittingEmptySubsequences: false)
                        .prefix(count).joined(separator: "}]}") + "}]}")
            let token = number + 1 < pages ? #","pageToken":"\#(number + 1)""# : ""
            return
                #"{"kind":"bigquery#getQueryResultsResponse","jobReference":{"projectId":"p","jobId":"job-1","location":"US"},"jobComplete":true,"totalRows":"\#(totalRows)","totalBytesProcessed":"\#(totalRows * 48)","schema":\#(schema),"rows":[\#(pageRows)]\#(token)}"#
        }
        @Sendable func answer(_ text: String) -> Response {
            box.server?.count(text.utf8.count)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/computeMetadata/v1/instance/service-accounts/default/token") { _, _ in
            answer(#"{"access_token":"bench","expires_in":3600,"token_type":"Bearer"}"#)
        }
        router.post("/bigquery/v2/projects/:project/queries") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            if String(buffer: body).contains(#""dryRun":true"#) {
                return answer(
                    #"{"kind":"bigquery#queryResponse","jobReference":{"projectId":"p","location":"US"},"jobComplete":true,"totalBytesProcessed":"\#(totalRows * 48)","schema":\#(schema)}"#
                )
            }
            return answer(page(0))
        }
        router.get("/bigquery/v2/projects/:project/datasets/:dataset/tables/:table") { request, _ in
            let table = request.uri.path.split(separator: "/").last.map(String.init) ?? "t"
            return answer(
                #"{"kind":"bigquery#table","tableReference":{"projectId":"p","datasetId":"d","tableId":"\#(table)"},"type":"TABLE","numRows":"\#(totalRows)","numBytes":"\#(totalRows * 48)","schema":\#(schema)}"#
            )
        }
        router.post("/bigquery/v2/projects/:project/jobs") { _, _ in
            answer(
                #"{"kind":"bigquery#job","jobReference":{"projectId":"p","jobId":"job-1","location":"US"},"status":{"state":"RUNNING"}}"#
            )
        }
        router.get("/bigquery/v2/projects/:project/queries/:job") { request, _ in
            answer(page(Int(request.uri.queryParameters.get("pageToken") ?? "0") ?? 0))
        }
        let server = PageServer(server: await LoopbackServer.start(router, label: "bench.bigquery.pages"))
        box.server = server
        return server
    }

    func count(_ bytes: Int) { served.withLock { $0 += bytes } }

    /// Lets the routes reach the server they belong to.
    final class Holder: @unchecked Sendable {
        // @unchecked: set once before the first request, read only afterwards.
        var server: PageServer?
    }
}
