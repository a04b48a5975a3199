import AgnesTestSupport
import Foundation
import Testing

@testable import AgnesConnectors

/// The per-table lock of materializations: one holder per table in a process, and across processes
/// (two lock sets on one directory stand for two processes: `flock` conflicts between open files).
@Suite struct KeboolaMaterializationLockTests {
    @Test func aTableIsHeldOnceUntilReleased() throws {
        let directory = try temporaryDirectory("kbc-locks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let locks = MaterializationLocks(directory: directory)
        let held = try #require(locks.acquire("orders", ttl: .seconds(3600)))
        #expect(locks.isBusy)
        #expect(locks.acquire("orders", ttl: .seconds(3600)) == nil)
        let other = try #require(locks.acquire("customers", ttl: .seconds(3600)))
        // Another process on the same data directory.
        let elsewhere = MaterializationLocks(directory: directory)
        #expect(elsewhere.acquire("orders", ttl: .seconds(3600)) == nil)
        held.release()
        other.release()
        #expect(!locks.isBusy)
        let again = try #require(elsewhere.acquire("orders", ttl: .seconds(3600)))
        again.release()
    }

    @Test func aLockHeldPastItsTTLIsTakenOver() throws {
        let directory = try temporaryDirectory("kbc-locks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let hung = MaterializationLocks(directory: directory)
        let held = try #require(hung.acquire("orders", ttl: .seconds(60)))
        defer { held.release() }
        let file = directory.appendingPathComponent("keboola-materialize-orders.lock")
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-120)], ofItemAtPath: file.path)
        let elsewhere = MaterializationLocks(directory: directory)
        #expect(elsewhere.acquire("orders", ttl: .seconds(3600)) == nil)
        let taken = try #require(elsewhere.acquire("orders", ttl: .seconds(60)))
        taken.release()
    }
}
