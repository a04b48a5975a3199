import Foundation
import Testing

@testable import AgnesClient

/// `ParquetDownloader` on its own: ranges fetched at once, resumed per range, fallbacks.
@Suite struct DownloaderTests {
    /// Downloads `table` with ranges of about 1/`ranges` of the file after a probe of `probe` bytes
    /// (1/8 of the file when nil); the rest is split when `splits`, as after a slow probe.
    static func download(
        _ base: String, _ directory: TemporaryDirectory, _ table: String, _ data: Data, ranges: Int = 4,
        probe: Int? = nil, splits: Bool = true
    ) async throws -> Result<DownloadOutcome, ClientError> {
        try await AgnesAPI.withClient(server: base, token: "good-token") { api in
            var downloader = ParquetDownloader(api: api, concurrency: 2, retries: 0)
            downloader.segmentation.threshold = 1
            downloader.segmentation.rangeSize = Int64(data.count / ranges + 1)
            downloader.segmentation.maximumRanges = ranges
            downloader.segmentation.probeSize = Int64(probe ?? data.count / 8)
            downloader.segmentation.splitAbove = splits ? .zero : .seconds(3600)
            let item = DownloadItem(
                table: table, expectedHash: FakeAgnes.Table.md5(data), expectedSize: Int64(data.count),
                destination: directory.path("\(table).parquet"))
            return await downloader.download([item])[table]!
        }
    }

    /// After the probe, the rest comes in 4 ranges at once when the link is slow, else in one request.
    @Test(arguments: [true, false])
    func aLargeFileStartsWithAProbeAndSplitsTheRestOnASlowLink(splits: Bool) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = FakeAgnes()
        let data = try Parquet.make(rows: 100_000)
        await fake.set("big", data)
        try await fake.run { base in
            let result = try await Self.download(base, directory, "big", data, splits: splits)
            #expect((try? result.get())?.size == Int64(data.count))
            let requests = await fake.log.filter { $0.hasPrefix("download big") }
            #expect(requests.first == "download big bytes=0-\(data.count / 8 - 1)")
            if splits {
                #expect(requests.count == 5 && requests.allSatisfy { $0.hasPrefix("download big bytes=") })
            } else {
                #expect(
                    requests.last == "download big bytes=\(data.count / 8)-\(data.count - 1)" && requests.count == 2)
            }
            #expect(try Data(contentsOf: directory.path("big.parquet")) == data)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["big.parquet"])
        }
    }

    @Test func theSplitDecisionFollowsTheProbedRate() {
        var segmentation = ParquetDownloader.Segmentation()
        segmentation.rangeSize = 16 << 20
        // 4 MB in 0.16 s (25 MB/s): 52 MB more would take 2 s, so split; at 800 MB/s it takes 0.07 s.
        #expect(segmentation.shouldSplit(remaining: 52 << 20, probed: 4 << 20, in: .milliseconds(160)))
        #expect(!segmentation.shouldSplit(remaining: 52 << 20, probed: 4 << 20, in: .milliseconds(5)))
        // A remainder of one range is never split.
        #expect(!segmentation.shouldSplit(remaining: 1 << 20, probed: 1, in: .seconds(10)))
        #expect(segmentation.count(forRemainder: 52 << 20) == 4)
        #expect(segmentation.isSegmented(size: 60 << 20) && !segmentation.isSegmented(size: 20 << 20))
        segmentation.maximumRanges = 1
        #expect(!segmentation.isSegmented(size: 60 << 20))
    }

    @Test func aCutRangeIsResumedAloneFromWhereItStopped() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = FakeAgnes()
        let data = try Parquet.make(rows: 300_000)
        await fake.set("big", data)
        await fake.fail("big", .cut(after: data.count / 4))
        try await fake.run { base in
            let failed = try await Self.download(base, directory, "big", data, ranges: 2, probe: data.count / 2)
            guard case .failure(let error) = failed else { Issue.record("the cut download succeeded"); return }
            #expect(error.code == .unreachable)
            let sidecar = try JSONDecoder().decode(
                JSONValue.self, from: Data(contentsOf: directory.path("big.parquet.part.json")))
            #expect(sidecar["hash"] == .string(FakeAgnes.Table.md5(data)))
            await fake.clearLog()
            let resumed = try await Self.download(base, directory, "big", data, ranges: 2, probe: data.count / 2)
            let outcome = try resumed.get()
            #expect(outcome.resumedFrom > 0 && outcome.transferred < Int64(data.count))
            // The probe goes on from where it was cut, then the rest (one range: 2 ranges in all).
            let log = await fake.log.filter { $0.hasPrefix("download") }
            #expect(log.count == 2 && log[0] == "download big bytes=\(outcome.resumedFrom)-\(data.count / 2 - 1)")
            #expect(log.last == "download big bytes=\(data.count / 2)-\(data.count - 1)")
            #expect(try Data(contentsOf: directory.path("big.parquet")) == data)
        }
    }

    @Test func aServerWithoutRangesGetsOneOrdinaryRequest() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = FakeAgnes()
        let data = try Parquet.make(rows: 50_000)
        await fake.set("big", data)
        await fake.setIgnoresRange(true)
        try await fake.run { base in
            let result = try await Self.download(base, directory, "big", data)
            #expect((try? result.get()) != nil)
            #expect(try Data(contentsOf: directory.path("big.parquet")) == data)
            let plain = await fake.log.filter { $0 == "download big" }
            #expect(plain.count == 1)
        }
    }

    @Test func aPartialFileOfAnotherVersionIsDiscarded() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = FakeAgnes()
        let data = try Parquet.make(rows: 20_000)
        await fake.set("t", data)
        try Data(repeating: 7, count: 1000).write(to: directory.path("t.parquet.part"))
        try Data(#"{"hash":"0123","size":5000,"segments":[{"start":0,"end":5000,"done":1000}]}"#.utf8)
            .write(to: directory.path("t.parquet.part.json"))
        try await fake.run { base in
            let outcome = try await Self.download(base, directory, "t", data, ranges: 1).get()
            #expect(outcome.resumedFrom == 0)
            #expect(try Data(contentsOf: directory.path("t.parquet")) == data)
            let log = await fake.log.filter { $0.hasPrefix("download") }
            #expect(log == ["download t"])
        }
    }

    @Test func aCorruptRangeFailsTheMD5AndLeavesNothingBehind() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = FakeAgnes()
        let data = try Parquet.make(rows: 100_000)
        await fake.set("big", data)
        await fake.fail("big", .corrupt)
        try await fake.run { base in
            let result = try await Self.download(base, directory, "big", data)
            guard case .failure(let error) = result else { Issue.record("a corrupt range was accepted"); return }
            #expect(error.code == .hashMismatch)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).isEmpty)
        }
    }
}

/// `PrefixHasher`: the MD5 of a file written out of order, hashed in order as its prefix grows.
@Suite struct PrefixHasherTests {
    @Test func bytesWrittenOutOfOrderHashLikeTheWholeFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("part").path
        let data = Data((0..<(3 << 20) + 123).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) })
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        // 4 ranges written piece by piece in a shuffled order; the hasher hears of the written prefix.
        let piece = 100_000
        let pieces = stride(from: 0, to: data.count, by: piece).map { $0..<min(data.count, $0 + piece) }
        var written = Set<Int>()
        let hasher = PrefixHasher(path: path)
        for range in pieces.shuffled() {
            try handle.seek(toOffset: UInt64(range.lowerBound))
            try handle.write(contentsOf: data[range])
            written.insert(range.lowerBound)
            var prefix = 0
            while written.contains(prefix) { prefix = min(data.count, prefix + piece) }
            hasher.advance(to: Int64(prefix))
        }
        let digest = try await hasher.digest(size: Int64(data.count))
        #expect(digest == FakeAgnes.Table.md5(data))
        // Nothing announced at all: the digest reads everything itself.
        #expect(try await PrefixHasher(path: path).digest(size: Int64(data.count)) == FakeAgnes.Table.md5(data))
    }

    @Test func anUnreadableFileIsAClearError() async throws {
        let hasher = PrefixHasher(path: "/nonexistent/agnes/part")
        await #expect(throws: ClientError.self) { try await hasher.digest(size: 10) }
        let short = try TemporaryDirectory()
        defer { short.remove() }
        try Data("abc".utf8).write(to: short.path("part"))
        let error = await #expect(throws: ClientError.self) {
            try await PrefixHasher(path: short.path("part").path).digest(size: 10)
        }
        #expect(error?.code == .io)
    }
}
