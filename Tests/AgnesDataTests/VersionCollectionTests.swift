import AgnesCore
import DuckDB
import Foundation
import Synchronization
import Testing

@testable import AgnesData

/// A wall clock tests move by hand; it starts at the real time so that file modification times compare.
final class TestClock: Sendable {
    private let current = Mutex(Date())

    var now: Date { current.withLock { $0 } }

    func advance(minutes: Double) { current.withLock { $0 = $0.addingTimeInterval(minutes * 60) } }

    /// A one-hour retention on this clock.
    var retention: VersionRetention { VersionRetention(gracePeriod: .seconds(3600), now: { self.now }) }
}

@Suite struct VersionCollectionTests {
    static func orders(_ rows: Int) -> [String: String] { ["orders": "SELECT range AS id FROM range(\(rows))"] }

    static func name(_ file: PublishedFile?) -> String {
        URL(fileURLWithPath: file?.versionPath ?? "").lastPathComponent
    }

    @Test func anUnusedVersionIsDeletedOnlyAfterTheGracePeriod() async throws {
        let clock = TestClock()
        let fixture = try await DataFixture(retention: clock.retention)
        let first = Self.name(try fixture.writeSource("sales", tables: Self.orders(10))["orders"])
        _ = try await fixture.orchestrator.rebuild()
        let second = Self.name(try fixture.writeSource("sales", tables: Self.orders(20))["orders"])
        _ = try await fixture.orchestrator.rebuild()  // the first version is unused from now on
        #expect(try fixture.versionFiles("sales") == [first, second])
        clock.advance(minutes: 59)
        _ = try await fixture.orchestrator.rebuild()
        #expect(try fixture.versionFiles("sales") == [first, second])
        clock.advance(minutes: 2)
        _ = try await fixture.orchestrator.rebuild()
        #expect(try fixture.versionFiles("sales") == [second])
        #expect(try await fixture.count("orders") == 20)
        clock.advance(minutes: 600)
        _ = try await fixture.orchestrator.rebuild()
        #expect(try fixture.versionFiles("sales") == [second], "the version the extract names is never deleted")
    }

    @Test func aVersionAnOpenGenerationCanReadIsKept() async throws {
        let clock = TestClock()
        let fixture = try await DataFixture(retention: clock.retention)
        let first = Self.name(try fixture.writeSource("sales", tables: Self.orders(10))["orders"])
        _ = try await fixture.orchestrator.rebuild()
        var held = fixture.analytics.generation  // work still running on this generation
        let second = Self.name(try fixture.writeSource("sales", tables: Self.orders(20))["orders"])
        _ = try await fixture.orchestrator.rebuild()
        clock.advance(minutes: 120)
        _ = try await fixture.orchestrator.rebuild()
        #expect(try fixture.versionFiles("sales") == [first, second])
        let count = try await held?.pool.withConnection { try $0.query("SELECT count(*) FROM orders").rows[0][0].int }
        #expect(count == 10)
        held = nil
        _ = try await fixture.orchestrator.rebuild()
        #expect(try fixture.versionFiles("sales") == [second])
    }

    @Test func theLatestVersionIsKeptWhileItsExtractIsStillBeingWritten() async throws {
        let clock = TestClock()
        let fixture = try await DataFixture(retention: clock.retention)
        let first = Self.name(try fixture.writeSource("sales", tables: Self.orders(10))["orders"])
        _ = try await fixture.orchestrator.rebuild()
        // A connector published the next file but has not written its extract yet.
        let file = fixture.layout.dataFile(source: Identifier("sales")!, table: Identifier("orders")!)
        let pending = try Publisher().publish(to: file) { try Data("not parquet yet".utf8).write(to: $0) }
        clock.advance(minutes: 120)
        _ = try await fixture.orchestrator.rebuild()
        clock.advance(minutes: 120)
        _ = try await fixture.orchestrator.rebuild()
        #expect(try fixture.versionFiles("sales") == [first, Self.name(pending)])
    }

    @Test func aVersionInUseAgainStartsItsGracePeriodAfresh() async throws {
        let clock = TestClock()
        let fixture = try await DataFixture(retention: clock.retention)
        let first = Self.name(try fixture.writeSource("sales", tables: Self.orders(10))["orders"])
        _ = try await fixture.orchestrator.rebuild()
        let second = Self.name(try fixture.writeSource("sales", tables: Self.orders(20))["orders"])
        _ = try await fixture.orchestrator.rebuild()  // first unused
        clock.advance(minutes: 50)
        #expect(Self.name(try fixture.writeSource("sales", tables: Self.orders(10))["orders"]) == first)
        _ = try await fixture.orchestrator.rebuild()  // first in use again, second unused
        clock.advance(minutes: 20)
        try fixture.writeSource("sales", tables: Self.orders(30))
        _ = try await fixture.orchestrator.rebuild()  // first unused again: its clock starts now
        #expect(try fixture.versionFiles("sales").isSuperset(of: [first, second]))
        clock.advance(minutes: 45)
        _ = try await fixture.orchestrator.rebuild()
        let left = try fixture.versionFiles("sales")
        #expect(left.contains(first) && !left.contains(second))
    }

    @Test func leftoversOfCrashedWritersGoAfterTheGracePeriod() async throws {
        let clock = TestClock()
        let fixture = try await DataFixture(retention: clock.retention)
        try fixture.writeSource("sales", tables: Self.orders(10))
        _ = try await fixture.orchestrator.rebuild()
        let data = fixture.layout.dataDirectory(Identifier("sales")!)
        let versions = fixture.layout.versionsDirectory(Identifier("sales")!)
        let leftovers = [
            versions.appendingPathComponent(".orders.parquet.tmp-crashed"),
            data.appendingPathComponent(".orders.parquet.tmp-crashed"),
        ]
        for file in leftovers { try Data("partial".utf8).write(to: file) }
        _ = try await fixture.orchestrator.rebuild()
        #expect(leftovers.allSatisfy { FileManager.default.fileExists(atPath: $0.path) }, "a writer may be at work")
        clock.advance(minutes: 61)
        _ = try await fixture.orchestrator.rebuild()
        #expect(leftovers.allSatisfy { !FileManager.default.fileExists(atPath: $0.path) })
        #expect(try await fixture.count("orders") == 10)
    }

    @Test func nothingIsDeletedWhenOpenGenerationsCannotBeAsked() throws {
        let clock = TestClock()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-collect-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("t.parquet")
        let old = try Publisher().publish(to: target) { try Data("old".utf8).write(to: $0) }
        _ = try Publisher().publish(to: target) { try Data("new".utf8).write(to: $0) }
        let collector = VersionCollector(retention: clock.retention)
        #expect(try collector.collect(dataDirectory: directory, referenced: [], inUse: { nil }).removed.isEmpty)
        clock.advance(minutes: 61)
        #expect(try collector.collect(dataDirectory: directory, referenced: [], inUse: { nil }).removed.isEmpty)
        let outcome = try collector.collect(dataDirectory: directory, referenced: [], inUse: { [] })
        #expect(outcome.removed.map(\.path) == [old.versionPath])
        #expect(outcome.isSettled)
    }
}
