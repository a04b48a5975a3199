import AgnesData
import Crypto
import Foundation
import Testing

@Suite struct PublisherTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-publish-\(UUID().uuidString)")

    var versions: URL { directory.appendingPathComponent(".versions") }

    static func md5(_ data: Data) -> String {
        Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    func contents(_ folder: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
    }

    func publish(_ text: String, to target: URL) throws -> PublishedFile {
        try Publisher().publish(to: target) { try Data(text.utf8).write(to: $0) }
    }

    @Test func copyingHashesTheBytesWrittenAndPublishesAtomically() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("input.bin")
        let bytes = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: source)
        let target = directory.appendingPathComponent("data/t.parquet")
        let published = try Publisher().publish(copying: source, to: target)
        #expect(published.md5 == Self.md5(bytes))
        #expect(published.sizeBytes == 3_000_000)
        #expect(try Data(contentsOf: target) == bytes)
        let version = try #require(published.versionPath)
        #expect(version == target.deletingLastPathComponent().path + "/.versions/t.\(published.md5).parquet")
        #expect(try Data(contentsOf: URL(fileURLWithPath: version)) == bytes)
        for path in [target.path, version] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        }
        #expect(try contents(target.deletingLastPathComponent()) == [".versions", "t.parquet"])
        #expect(
            try contents(URL(fileURLWithPath: version).deletingLastPathComponent()) == ["t.\(published.md5).parquet"])
    }

    @Test func eachContentGetsAnImmutableVersionAndTheCanonicalNameLinksToTheLatest() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("t.parquet")
        let first = try publish("first", to: target)
        let reader = try FileHandle(forReadingFrom: target)  // opened before the republish
        defer { try? reader.close() }
        let second = try publish("second, longer", to: target)
        let firstVersion = try #require(first.versionPath)
        let secondVersion = try #require(second.versionPath)
        #expect(firstVersion != secondVersion)
        #expect(first.path == target.path && second.path == target.path)
        #expect(first.md5 == Self.md5(Data("first".utf8)) && second.md5 == Self.md5(Data("second, longer".utf8)))
        // The old version still holds the old bytes under its own name; the canonical name has the new.
        #expect(try String(contentsOfFile: firstVersion, encoding: .utf8) == "first")
        #expect(try String(contentsOf: target, encoding: .utf8) == "second, longer")
        #expect(try reader.readToEnd() == Data("first".utf8))
        // The canonical name is a hard link to the latest version (one inode, two names).
        #expect(FileStamp(target.path) == FileStamp(secondVersion))
        #expect(FileStamp(secondVersion)?.links == 2 && FileStamp(firstVersion)?.links == 1)
        #expect(try contents(directory) == [".versions", "t.parquet"])
        #expect(
            try contents(versions) == [
                URL(fileURLWithPath: firstVersion).lastPathComponent,
                URL(fileURLWithPath: secondVersion).lastPathComponent,
            ])
    }

    @Test func identicalContentReusesItsVersionWithoutTouchingAnything() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("t.parquet")
        let first = try publish("same", to: target)
        let version = try #require(first.versionPath)
        let before = [FileStamp(target.path), FileStamp(version)]
        let again = try publish("same", to: target)
        #expect(again == first)
        #expect([FileStamp(target.path), FileStamp(version)] == before)
        #expect(try contents(versions) == [URL(fileURLWithPath: version).lastPathComponent])
        // Going back to earlier content points the canonical name at its existing version again.
        _ = try publish("other", to: target)
        #expect(try publish("same", to: target) == first)
        #expect(try String(contentsOf: target, encoding: .utf8) == "same")
        #expect(try contents(versions).count == 2)
    }

    @Test func withoutVersionsTheDestinationIsReplacedInPlace() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("input.parquet")
        let published = try Publisher(keepsVersions: false).publish(to: target) { try Data("x".utf8).write(to: $0) }
        #expect(published.versionPath == nil && published.readPath == target.path)
        #expect(try contents(directory) == ["input.parquet"])
    }

    @Test func failedWriteLeavesTheOldFileAndNoTemporary() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("t.parquet")
        let old = try publish("old", to: target)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try Publisher().publish(to: target) { temporary in
                try Data("half".utf8).write(to: temporary)
                throw Boom()
            }
        }
        #expect(try String(contentsOf: target, encoding: .utf8) == "old")
        #expect(try contents(directory) == [".versions", "t.parquet"])
        #expect(try contents(versions) == [URL(fileURLWithPath: try #require(old.versionPath)).lastPathComponent])
    }

    @Test func missingSourceIsAClearErrorAndLeavesNoTemporary() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: PublishError.self) {
            try Publisher().publish(
                copying: directory.appendingPathComponent("nope"), to: directory.appendingPathComponent("t.parquet"))
        }
        #expect(error?.message.contains("No such file") == true)
        #expect(try contents(directory) == [".versions"])
        #expect(try contents(versions).isEmpty)
    }

    /// kill -9 can stop a publish between any two steps; each state it leaves has complete files under
    /// the canonical name and every version name, and the next publish carries on from it.
    @Test func aCrashBetweenStepsLeavesCompleteFilesAndTheNextPublishCarriesOn() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("t.parquet")
        let old = try publish("old", to: target)
        // 1. Crashed while writing: a partial temporary in .versions.
        try Data("partial".utf8).write(to: versions.appendingPathComponent(".t.parquet.tmp-crashed1"))
        // 2. Crashed after the version was linked, before the canonical name moved to it.
        let newMD5 = Self.md5(Data("new".utf8))
        try Data("new".utf8).write(to: versions.appendingPathComponent("t.\(newMD5).parquet"))
        // 3. Crashed after linking the canonical temporary, before the rename.
        try FileManager.default.linkItem(
            atPath: versions.appendingPathComponent("t.\(newMD5).parquet").path,
            toPath: directory.appendingPathComponent(".t.parquet.tmp-crashed3").path)
        #expect(try String(contentsOf: target, encoding: .utf8) == "old")
        Publisher.removeStaleTemporaries(in: directory)
        #expect(try contents(directory) == [".versions", "t.parquet"])
        #expect(
            try contents(versions) == [
                URL(fileURLWithPath: try #require(old.versionPath)).lastPathComponent, "t.\(newMD5).parquet",
            ])
        let new = try publish("new", to: target)
        #expect(new.versionPath == versions.appendingPathComponent("t.\(newMD5).parquet").path)
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
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
        #expect(results.contains { $0.md5 == Self.md5(final) })
        #expect(try contents(directory) == [".versions", "t.parquet"])
        #expect(try contents(versions) == Set(results.map { URL(fileURLWithPath: $0.versionPath!).lastPathComponent }))
        for result in results {
            #expect(try Data(contentsOf: URL(fileURLWithPath: result.versionPath!)).count == 2_000_000)
        }
    }
}
