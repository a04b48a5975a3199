import AgnesCore
import DuckDB
import Foundation
import Testing

@testable import AgnesData

/// The scan service's answers when there is nothing to scan yet or a scan runs past its time.
@Suite struct ScanServiceErrorTests {
    @Test func beforeTheFirstBuildScansAreNotReady() async throws {
        let data = try await DataFixture()
        let engine = QueryEngine(analytics: data.analytics, layout: data.layout, limits: SandboxLimits())
        let scans = try ScanService(engine: engine, layout: data.layout)
        await #expect(throws: ScanError.notReady) {
            try await scans.prepare(ScanRequest(tableID: "orders"), maxLimit: 10)
        }
    }

    // The statement never ends on its own, so only the timeout can stop it (the time limit guards a hang).
    @Test(.timeLimit(.minutes(1))) func aScanPastItsTimeIsStoppedAndLeavesNoFile() async throws {
        let fixture = try await ScanFixture()
        let scan = try await fixture.scans.prepare(ScanRequest(tableID: "orders"), maxLimit: 10)
        let endless = PreparedScan(
            table: scan.table, columns: scan.columns, predicate: nil, limit: nil,
            sql: "SELECT sum(hash(a.range * b.range)) AS s FROM range(1000000) a, range(1000000) b",
            sandbox: scan.sandbox)
        await #expect(throws: ScanError.timedOut(.milliseconds(200))) {
            try await fixture.scans.run(endless, maxBytes: 1 << 20, timeout: .milliseconds(200))
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: fixture.scans.outputDirectory.path)) ?? []
        #expect(left.isEmpty)
        // The sandbox's connection serves the next scan.
        let output = try await fixture.scans.run(scan, maxBytes: 1 << 20, timeout: .seconds(30))
        defer { try? FileManager.default.removeItem(at: output.file) }
        #expect(output.summary.rows == 5)
    }
}
