import AgnesAuth
import AgnesCore
import AgnesData
import AgnesServer
import AgnesStore
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A listening Agnes server over a bench data directory, and an HTTP client for it.
final class BenchServer: Sendable {
    let services: AgnesServices
    let base: String
    /// The port it listens on (127.0.0.1).
    let port: Int
    let client: HTTPClient
    let task: Task<Void, any Error>
    /// Every table id the server serves.
    let tableIDs: [String]

    private init(services: AgnesServices, port: Int, task: Task<Void, any Error>, tableIDs: [String]) {
        self.services = services
        self.base = "http://127.0.0.1:\(port)"
        self.port = port
        // The client gets an event loop of its own, as a client in another process would have: on the
        // server's loops, its work would queue behind the server's and the server's behind it.
        self.client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: 1))
        self.task = task
        self.tableIDs = tableIDs
    }

    /// Starts a server over `directory` (recreated): the demo data (inputs generated once, next to
    /// it) plus `big` as the table `big`; or, with `wideSources`, that many sources of `wideTables`
    /// small tables each and nothing else.
    static func start(
        directory: URL, big: URL?, logger: Logger, wideSources: Int = 0, wideTables: Int = 0
    ) async throws -> BenchServer {
        try? FileManager.default.removeItem(at: directory)
        let layout = DataLayout(root: directory)
        let local = layout.localSourceDirectory
        if wideSources > 0 {
            try RebuildBench.writeSources(layout: layout, sources: wideSources, tables: wideTables)
        } else {
            let inputs = directory.deletingLastPathComponent().appendingPathComponent("demo-inputs")
            if !FileManager.default.fileExists(atPath: inputs.appendingPathComponent("events.parquet").path) {
                print("  (generating the demo inputs once into \(inputs.path) …)")
                try DemoData.generate(into: inputs)
            }
            try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
            for name in ["orders", "customers", "events"] {
                try FileManager.default.linkItem(
                    at: inputs.appendingPathComponent("\(name).parquet"),
                    to: local.appendingPathComponent("\(name).parquet"))
            }
            if let big { try FileManager.default.linkItem(at: big, to: local.appendingPathComponent("big.parquet")) }
        }
        let services = try await AgnesServices.open(
            settings: AgnesSettings(dataDir: directory.path, isAuthRateLimitEnabled: false), logger: logger)
        let report = try await ServerBootstrap.run(services: services, demo: false)
        guard let rebuild = report.rebuild, rebuild.issues.isEmpty else {
            throw BenchFailure("the bench data did not build: \(report.rebuild?.issues ?? [])")
        }
        // Measure a settled server: the profiles a rebuild schedules are made first.
        await services.profiling.waitUntilIdle()
        let port = PortBox()
        let application = AgnesServer.application(services: services, host: "127.0.0.1", port: 0) { port.set($0) }
        let task = Task { try await application.runService() }
        return BenchServer(
            services: services, port: try await port.wait(), task: task, tableIDs: rebuild.views)
    }

    func stop() {
        task.cancel()
        try? client.syncShutdown()
    }

    /// A non-admin user with grants on `tables`; returns a session token.
    func analyst(tables: [String]) async throws -> String {
        let store = services.store
        let user = try await DuckDBUserRepository(store: store).create(
            User(id: UUID().uuidString.lowercased(), email: "analyst-\(UUID().uuidString.prefix(8))@example.com"))
        let groups = DuckDBGroupRepository(store: store)
        let group = try await groups.create(name: "bench-\(user.id)", description: nil, createdBy: nil)
        try await groups.addMember(userID: user.id, groupID: group.id, source: .admin, addedBy: nil)
        let grants = DuckDBGrantRepository(store: store)
        for table in tables { _ = try await grants.grant(groupID: group.id, type: .table, resourceID: table, by: nil) }
        return services.auth.issuer.session(for: user)
    }

    /// An admin; returns a session token.
    func admin() async throws -> String {
        let store = services.store
        let user = try await DuckDBUserRepository(store: store).create(
            User(id: UUID().uuidString.lowercased(), email: "admin-\(UUID().uuidString.prefix(8))@example.com"))
        let groups = DuckDBGroupRepository(store: store)
        if let admin = try await groups.find(name: SystemGroup.admin) {
            try await groups.addMember(userID: user.id, groupID: admin.id, source: .admin, addedBy: nil)
        }
        return services.auth.issuer.session(for: user)
    }

    /// GETs `path`; returns the body's size as sent (still gzipped when `acceptEncoding` asked for it:
    /// the client does not decompress).
    @discardableResult
    func get(_ path: String, token: String?, acceptEncoding: String? = nil) async throws -> Int {
        var request = HTTPClientRequest(url: base + path)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let acceptEncoding { request.headers.add(name: "Accept-Encoding", value: acceptEncoding) }
        let response = try await client.execute(request, timeout: .seconds(60))
        guard response.status == .ok else { throw BenchFailure("\(path) answered \(response.status)") }
        return try await response.body.collect(upTo: 64 << 20).readableBytes
    }

    /// Downloads a table with `curl` (another process, as an analyst's client is), discarding the bytes;
    /// returns MB/s. The token goes to curl through a header file, never argv.
    func downloadThroughput(table: String, token: String) throws -> Double {
        try Self.curlThroughput(url: base + "/api/data/\(table)/download", token: token)
    }

    /// MB/s of `curl` fetching `url` to /dev/null (with a bearer token when given).
    static func curlThroughput(url: String, token: String?) throws -> Double {
        let headers = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        try "Authorization: Bearer \(token ?? "")\n".write(to: headers, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: headers) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments =
            ["-s", "-f", "-o", "/dev/null", "-w", "%{size_download}"]
            + (token == nil ? [] : ["-H", "@\(headers.path)"])
            + [url]
        let output = Pipe()
        process.standardOutput = output
        let start = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        let elapsed = (ContinuousClock.now - start).seconds
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0, let bytes = Double(text) else {
            throw BenchFailure("curl failed (\(process.terminationStatus)): \(text)")
        }
        return bytes / 1e6 / elapsed
    }
}
