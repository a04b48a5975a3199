import AgnesClient
import Foundation
import Testing

/// `ParquetDownloader` on its own: ranges fetched at once, resumed per range, fallbacks.
@Suite struct DownloaderTests {
    static func download(
        _ base: String, _ directory: TemporaryDirectory, _ table: String, _ data: Data, ranges: Int = 4
    ) async throws -> Result<DownloadOutcome, ClientError> {
        try await AgnesAPI.withClient(server: base, token: "good-token") { api in
            var downloader = ParquetDownloader(api: api, concurrency: 2, retries: 0)
            downloader.segmentation.threshold = 1
            downloader.segmentation.rangeSize = Int64(data.count / ranges + 1)
            let item = DownloadItem(
                table: table, expectedHash: FakeAgnes.Table.md5(data), expectedSize: Int64(data.count),
                destination: directory.path("\(table).parquet"))
            return await downloader.download([item])[table]!
        }
    }

    @Test func largeFilesAreFetchedInRangesAtOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = FakeAgnes()
        let data = try Parquet.make(rows: 100_000)
        await fake.set("big", data)
        try await fake.run { base in
            let result = try await Self.download(base, directory, "big", data)
            #expect((try? result.get())?.size == Int64(data.count))
            let ranges = await fake.log.filter { $0.hasPrefix("download big bytes=") }
            #expect(ranges.count == 4)
            #expect(try Data(contentsOf: directory.path("big.parquet")) == data)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["big.parquet"])
        }
    }

    @Test func aCutRangeIsResumedAloneFromWhereItStopped() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = FakeAgnes()
        let data = try Parquet.make(rows: 300_000)
        await fake.set("big", data)
        await fake.fail("big", .cut(after: data.count / 4))
        try await fake.run { base in
            let failed = try await Self.download(base, directory, "big", data, ranges: 2)
            guard case .failure(let error) = failed else { Issue.record("the cut download succeeded"); return }
            #expect(error.code == .unreachable)
            let sidecar = try JSONDecoder().decode(
                JSONValue.self, from: Data(contentsOf: directory.path("big.parquet.part.json")))
            #expect(sidecar["hash"] == .string(FakeAgnes.Table.md5(data)))
            await fake.clearLog()
            let resumed = try await Self.download(base, directory, "big", data, ranges: 2)
            let outcome = try resumed.get()
            #expect(outcome.resumedFrom > 0 && outcome.transferred < Int64(data.count))
            let log = await fake.log.filter { $0.hasPrefix("download") }
            #expect(log.count == 1 && log[0].hasPrefix("download big bytes="))
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
}
