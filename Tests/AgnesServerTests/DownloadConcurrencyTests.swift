import AgnesServer
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// Downloads stream from disk chunk by chunk with back-pressure: clients that read slowly hold no
/// thread, so API requests keep answering while many downloads are in flight.
@Suite struct DownloadConcurrencyTests {
    @Test func slowDownloadsDoNotHoldUpOtherRequests() async throws {
        let fixture = try await ServerFixture.fast()
        let rows = (1...120_000).map { "\($0),\(UInt64($0) &* 2_654_435_761 % 1_000_000_007),row-\($0 * 7919)" }
        try await fixture.publishLocal(["wide.csv": "id,value,label\n" + rows.joined(separator: "\n")])
        let token = try await fixture.analyst("ana@example.com", tables: ["wide"])
        try await fixture.application.test(.live) { client in
            let port = try #require(client.port)
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let expected = try await Self.download(http, port: port, token: token, stall: .zero)
            #expect(expected > 500_000)
            let downloads = Task {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<12 {
                        group.addTask {
                            try await Self.download(http, port: port, token: token, stall: .milliseconds(1500))
                        }
                    }
                    var sizes: [Int] = []
                    for try await size in group { sizes.append(size) }
                    return sizes
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            var slowest = Duration.zero
            for _ in 0..<20 {
                let start = ContinuousClock.now
                let response = try await client.execute(uri: "/api/version", method: .get)
                #expect(response.status == .ok)
                slowest = max(slowest, ContinuousClock.now - start)
            }
            #expect(slowest < .milliseconds(500), "an API request waited \(slowest) behind downloads")
            let sizes = try await downloads.value
            #expect(sizes == Array(repeating: expected, count: 12))
            try await http.shutdown()
        }
    }

    /// Downloads `wide`, pausing for `stall` after the first chunk; returns the bytes received.
    static func download(_ http: HTTPClient, port: Int, token: String, stall: Duration) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/data/wide/download")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await http.execute(request, timeout: .seconds(60))
        guard response.status == .ok else { return -1 }
        var received = 0
        var first = true
        for try await chunk in response.body {
            received += chunk.readableBytes
            if first, stall > .zero { try await Task.sleep(for: stall) }
            first = false
        }
        return received
    }
}
