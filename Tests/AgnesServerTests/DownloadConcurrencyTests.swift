import AgnesServer
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// Downloads stream from disk chunk by chunk with back-pressure: clients that read slowly hold no
/// thread, so API requests keep answering while many downloads are in flight.
@Suite struct DownloadConcurrencyTests {
    @Test(.timeLimit(.minutes(2))) func slowDownloadsDoNotHoldUpOtherRequests() async throws {
        let fixture = try await ServerFixture.fast()
        let rows = (1...120_000).map { "\($0),\(UInt64($0) &* 2_654_435_761 % 1_000_000_007),row-\($0 * 7919)" }
        try await fixture.publishLocal(["wide.csv": "id,value,label\n" + rows.joined(separator: "\n")])
        let token = try await fixture.analyst("ana@example.com", tables: ["wide"])
        try await fixture.application.test(.live) { client in
            let port = try #require(client.port)
            // Room for all twelve downloads at once (the client's default is 8 connections per host).
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                try await Self.measure(http, client: client, port: port, token: token)
            } catch {
                // A client must be shut down on every path, or its deinit traps.
                try? await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }
    }

    /// Twelve downloads stalled mid-file (each has its first chunk and reads no more until the test
    /// lets it), then API requests, which must all be answered while the twelve are still held: a
    /// server that held a thread per download would never answer them (the time limit catches that).
    static func measure(_ http: HTTPClient, client: some TestClientProtocol, port: Int, token: String) async throws {
        let expected = try await Self.download(http, port: port, token: token, gate: nil)
        #expect(expected > 500_000)
        let gate = Gate()
        let (stalled, stalledSignal) = AsyncStream<Void>.makeStream()
        let downloads = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await Self.download(http, port: port, token: token, gate: gate) { stalledSignal.yield() }
                    }
                }
                var sizes: [Int] = []
                for try await size in group { sizes.append(size) }
                return sizes
            }
        }
        var count = 0
        for await _ in stalled {
            count += 1
            if count == 12 { break }
        }
        for _ in 0..<20 {
            let response = try await client.execute(uri: "/api/version", method: .get)
            #expect(response.status == .ok)
        }
        gate.open()
        let sizes = try await downloads.value
        #expect(sizes == Array(repeating: expected, count: 12))
    }

    /// Downloads `wide`; with a `gate`, reports the first chunk through `stalled` and reads no further
    /// until the gate opens. Returns the bytes received.
    static func download(
        _ http: HTTPClient, port: Int, token: String, gate: Gate?, stalled: @Sendable () -> Void = {}
    ) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/data/wide/download")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await http.execute(request, timeout: .seconds(120))
        guard response.status == .ok else { return -1 }
        var received = 0
        var first = true
        for try await chunk in response.body {
            received += chunk.readableBytes
            if first, let gate {
                stalled()
                await gate.wait()
            }
            first = false
        }
        return received
    }
}

/// Holds tasks until it is opened (once); tasks arriving after that pass straight through.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func wait() async {
        await withCheckedContinuation { continuation in
            let passes = state.withLock { state in
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if passes { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
