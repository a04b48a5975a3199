import AgnesAuth
import AgnesCore
import AgnesData
import AgnesJobs
import AgnesServer
import AgnesStore
import Foundation
import Hummingbird
import Logging

/// Sync runs, health and the scheduler, each next to a floor measured in the same run:
/// - a sync run over `tables` registered local tables where nothing changed (target < 1 s), next to
///   a `stat` of every input file plus one read of the registry (what "nothing changed" must cost);
/// - `GET /api/health` p50 (target < 0.5 ms), idle and while rebuilds write, next to `/api/version`
///   (the same HTTP stack, no store);
/// - `GET /api/health/detailed` p50 with `tables` tables (target < 5 ms), next to `/api/health`;
/// - the CPU the process uses over an idle window with the scheduler driving, next to the same
///   window without it.
enum SyncBench {
    static func run(_ arguments: [String]) async throws {
        guard arguments.count >= 2, let tables = Int(arguments[1]) else {
            throw BenchFailure("usage: agnes-bench sync <directory> <tables> [requests]")
        }
        let requests = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000
        let directory = URL(fileURLWithPath: arguments[0])
        try? FileManager.default.removeItem(at: directory)
        let layout = DataLayout(root: directory)
        try FileManager.default.createDirectory(at: layout.localSourceDirectory, withIntermediateDirectories: true)
        for index in 0..<tables {
            try "id,value\n1,\(index)\n2,\(index * 2)\n".write(
                to: layout.localSourceDirectory.appendingPathComponent(String(format: "t%04d.csv", index)),
                atomically: false, encoding: .utf8)
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let settings = AgnesSettings(dataDir: directory.path, isAuthRateLimitEnabled: false)
        let services = try await AgnesServices.open(settings: settings, logger: logger)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await ServerBootstrap.run(services: services, demo: false)
        await services.profiling.waitUntilIdle()
        print(String(format: "First run (registers and converts %d files): %.2f s", tables, seconds(clock.now - start)))

        // 1. Sync runs where nothing changed.
        var runs: [Double] = []
        var floors: [Double] = []
        for _ in 0..<7 {
            let began = clock.now
            let run = try await services.pipeline.run(tables: nil, trigger: "bench", requestedBy: nil)
            runs.append(seconds(clock.now - began))
            guard run.status == .succeeded else { throw BenchFailure("run \(run.id) ended \(run.status)") }
            let floorStart = clock.now
            let files = try FileManager.default.contentsOfDirectory(atPath: layout.localSourceDirectory.path)
            for file in files {
                _ = try? FileManager.default.attributesOfItem(
                    atPath: layout.localSourceDirectory.appendingPathComponent(file).path)
            }
            _ = try await DuckDBTableRegistryRepository(store: services.store).list(sourceType: nil)
            floors.append(seconds(clock.now - floorStart))
        }
        print("Sync run over \(tables) registered local tables, nothing changed (7 runs):")
        print(String(format: "  run (due check, stat, outcomes recorded)  %8.1f ms median, %.1f ms best   target < 1000 ms", median(runs) * 1000, runs.min()! * 1000))
        print(String(format: "  floor: stat of every file + registry read  %8.1f ms median", median(floors) * 1000))

        // 2 and 3. Health over HTTP.
        let port = PortBox()
        let application = AgnesServer.application(services: services, host: "127.0.0.1", port: 0) { port.set($0) }
        let server = Task { try await application.runService() }
        let listening = try await port.wait()
        let admin = try await DuckDBUserRepository(store: services.store).create(
            User(id: UUID().uuidString.lowercased(), email: "bench@example.com", name: "Bench"))
        let token = services.auth.issuer.session(for: admin)
        func get(_ path: String, token: String? = nil) -> [UInt8] {
            let auth = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
            return Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(auth)\r\n".utf8)
        }
        func p50(_ request: [UInt8], _ count: Int) async throws -> Double {
            let load = try RawHTTPLoad(port: listening, clients: 1, request: request)
            defer { load.close() }
            _ = try await load.run(requests: 50)
            return median(try await load.run(requests: count)) * 1_000_000
        }
        print("HTTP, \(requests) sequential keep-alive requests, p50 µs:")
        let version = try await p50(get("/api/version"), requests)
        let health = try await p50(get("/api/health"), requests)
        print(String(format: "  GET /api/version (floor: no store)        %8.0f µs", version))
        print(String(format: "  GET /api/health                           %8.0f µs   target < 500 µs", health))
        var probes: [Double] = []
        for _ in 0..<200 {
            let began = clock.now
            _ = await services.store.probeNow()
            probes.append(seconds(clock.now - began))
        }
        print(String(format: "  (the store read behind it, in-process     %8.0f µs p50; made at most once a second)", median(probes) * 1_000_000))
        let writer = Task {
            var rebuilds = 0
            while !Task.isCancelled {
                _ = try? await services.pipeline.run(tables: ["t0000"], trigger: "bench", requestedBy: nil)
                _ = try? await services.orchestrator.rebuild()
                rebuilds += 1
            }
            return rebuilds
        }
        let busyVersion = try await p50(get("/api/version"), requests)
        let busyHealth = try await p50(get("/api/health"), requests)
        writer.cancel()
        let rebuilds = await writer.value
        print(String(format: "  GET /api/version while rebuilds write     %8.0f µs", busyVersion))
        print(String(format: "  GET /api/health while rebuilds write      %8.0f µs   target < 500 µs (%d runs + rebuilds meanwhile)", busyHealth, rebuilds))
        let detailed = try await p50(get("/api/health/detailed", token: token), requests / 4)
        print(String(format: "  GET /api/health/detailed (%d tables)    %8.0f µs   target < 5000 µs", tables, detailed))

        // 4. The scheduler idle.
        func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
        }
        let window = 5.0
        var before = cpuSeconds()
        try await Task.sleep(for: .seconds(window))
        let idleFloor = cpuSeconds() - before
        try await services.scheduler.runDueJobs(at: Date())  // everything due now runs once first
        services.scheduler.start()
        try await Task.sleep(for: .milliseconds(200))
        before = cpuSeconds()
        try await Task.sleep(for: .seconds(window))
        let idleScheduler = cpuSeconds() - before
        await services.scheduler.stop()
        print(String(format: "Process CPU over %.0f s idle (server listening):", window))
        print(String(format: "  without the scheduler (floor)             %8.1f ms", idleFloor * 1000))
        print(String(format: "  with the scheduler driving                %8.1f ms", idleScheduler * 1000))
        server.cancel()
        await services.profiling.stopBackground()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
