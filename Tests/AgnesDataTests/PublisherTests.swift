import AgnesData
import Crypto
import Foundation
import Testing

@Suite struct PublisherTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-publish-\(UUID().uuidString)")

    @Test func copyingHashesTheBytesWrittenAndPublishesAtomically() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("input.bin")
        let bytes = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: source)
        let target = directory.appendingPathComponent("data/t.parquet")
        let published = try Publisher().publish(copying: source, to: target)
        #expect(published.md5 == Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        #expect(published.md5.count == 32)
        #expect(published.sizeBytes == 3_000_000)
        #expect(try Data(contentsOf: target) == bytes)
        let attributes = try FileManager.default.attributesOfItem(atPath: target.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path)
        #expect(leftovers == ["t.parquet"])
    }

    @Test func failedWriteLeavesTheOldFileAndNoTemporary() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("t.parquet")
        _ = try Publisher().publish(to: target) { try Data("old".utf8).write(to: $0) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try Publisher().publish(to: target) { temporary in
                try Data("half".utf8).write(to: temporary)
                throw Boom()
            }
        }
        #expect(try String(contentsOf: target, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["t.parquet"])
    }

    @Test func missingSourceIsAClearError() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: PublishError.self) {
            try Publisher().publish(
                copying: directory.appendingPathComponent("nope"), to: directory.appendingPathComponent("t.parquet"))
        }
        #expect(error?.message.contains("No such file") == true)
    }

    @Test func concurrentWritersOfOneTableNeverClobberEachOther() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("t.parquet")
        let results = try await withThrowingTaskGroup(of: PublishedFile.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    try Publisher().publish(to: target) { temporary in
                        try Data(repeating: UInt8(writer), count: 2_000_000).write(to: temporary)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let final = try Data(contentsOf: target)
        #expect(final.count == 2_000_000)
        #expect(Set(final).count == 1, "the published file is one writer's complete output")
        #expect(
            results.contains { $0.md5 == Insecure.MD5.hash(data: final).map { String(format: "%02x", $0) }.joined() })
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["t.parquet"])
    }
}
