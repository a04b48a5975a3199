import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

extension ParquetDownloader {
    /// One attempt: plan or resume the ranges, fetch the unfinished ones at once, verify, rename.
    func fetchOnce(_ item: DownloadItem, mode: Mode, onBytes: @escaping @Sendable (Int64) -> Void)
        async throws -> DownloadOutcome
    {
        let partPath = item.partial.path
        let sidecar = PartialDownload.sidecar(of: item.partial)
        let pool = NIOThreadPool.singleton
        let plan = try await pool.runIfActive { () throws -> PartialDownload in
            if mode == .resume, let saved = Self.resumable(item, sidecar: sidecar, partPath: partPath) { return saved }
            unlink(partPath)
            let isSegmented =
                mode != .singleRange && !item.expectedHash.isEmpty
                && segmentation.isSegmented(size: item.expectedSize)
            let fresh =
                isSegmented
                ? PartialDownload.probing(
                    hash: item.expectedHash, size: item.expectedSize ?? 0, probe: segmentation.probeSize)
                : PartialDownload.fresh(hash: item.expectedHash, size: item.expectedSize)
            if Self.keepsSidecar(item, count: fresh.segments.count) {
                try AtomicFile.write(try JSONEncoder().encode(fresh), to: sidecar)
            }
            return fresh
        }
        let resumedFrom = plan.segments.reduce(Int64(0)) { $0 + $1.done }
        let ledger = SegmentLedger(url: sidecar, state: plan)
        let part = try await pool.runIfActive { try PartFile.open(path: partPath, keeping: -1) }
        defer { part.close() }
        let isSingle = plan.segments.count == 1
        // Ranges arrive out of order: their bytes are hashed in file order as the written prefix grows.
        let prefixHasher = isSingle ? nil : PrefixHasher(path: partPath)
        prefixHasher?.advance(to: ledger.writtenPrefix)
        var outcomes: [Result<PartWriter.Progress, any Error>] = []
        let results: [PartWriter.Progress]
        do {
            // Every range runs to its end or its own failure (a broken range does not stop the others),
            // then the first failure is reported.
            func run(_ indices: [Int]) async -> [Result<PartWriter.Progress, any Error>] {
                await withTaskGroup(of: Result<PartWriter.Progress, any Error>.self) { group in
                    for index in indices {
                        group.addTask {
                            do {
                                return .success(
                                    try await transfer(
                                        item, segment: index, of: ledger, into: part, single: isSingle,
                                        prefixHasher: prefixHasher, onBytes: onBytes))
                            } catch {
                                return .failure(error)
                            }
                        }
                    }
                    var all: [Result<PartWriter.Progress, any Error>] = []
                    for await outcome in group { all.append(outcome) }
                    return all
                }
            }
            let unfinished = {
                let segments = ledger.snapshot.segments
                return segments.indices.filter { !segments[$0].isComplete }
            }
            if Self.isProbing(plan) {
                // The first bytes come alone over one connection, timed: the rest is split into ranges
                // only when one connection would be slow for it (a far server), not on a fast link
                // where more connections only cost CPU.
                let (started, before) = (ContinuousClock.now, plan.segments[0].done)
                outcomes = await run([0])
                if case .success? = outcomes.first {
                    let (probe, rest) = (ledger.snapshot.segments[0], ledger.snapshot.segments[1])
                    let remaining = (rest.end ?? rest.start) - rest.start
                    let probed = probe.done - before
                    if segmentation.shouldSplit(remaining: remaining, probed: probed, in: ContinuousClock.now - started)
                    {
                        ledger.split(1, into: segmentation.count(forRemainder: remaining))
                        try? await pool.runIfActive { try ledger.persist() }
                    }
                    outcomes += await run(unfinished())
                }
            } else {
                outcomes = await run(unfinished())
            }
            let failures = outcomes.compactMap { if case .failure(let error) = $0 { error } else { nil } }
            if let failure = failures.first(where: { $0 is Restart }) ?? failures.first { throw failure }
            results = outcomes.compactMap { try? $0.get() }
        } catch let error as ClientError {
            if error.code == .diskFull {
                unlink(partPath)
                ledger.remove()
            } else if Self.keepsSidecar(item, count: plan.segments.count) {
                try? await pool.runIfActive { try ledger.persist() }
            }
            throw error
        }
        let size = item.expectedSize ?? results.map(\.position).max() ?? 0
        let digest: String
        if isSingle, let progress = results.first {
            digest = FileDigest.hex(progress.hasher.finalize())
        } else {
            digest = try await prefixHasher?.digest(size: size) ?? ""  // nil only when single
        }
        return try await install(item, digest: digest, size: size, resumedFrom: resumedFrom, ledger: ledger)
    }

    /// True when `plan` starts with a probe range still to fetch, before a remainder not yet begun.
    static func isProbing(_ plan: PartialDownload) -> Bool {
        plan.segments.count == 2 && !plan.segments[0].isComplete && plan.segments[1].done == 0
            && plan.segments[1].end != nil
    }

    /// True when a partial download is worth resuming (a known hash, and big or in ranges): small
    /// files are simply fetched again, without a sidecar to write.
    static func keepsSidecar(_ item: DownloadItem, count: Int) -> Bool {
        !item.expectedHash.isEmpty && (count > 1 || (item.expectedSize ?? 0) >= 1 << 20)
    }

    /// The saved plan of a partial file of this very content, with every range clamped to the bytes
    /// the file holds; nil when it cannot be continued.
    static func resumable(_ item: DownloadItem, sidecar: URL, partPath: String) -> PartialDownload? {
        guard !item.expectedHash.isEmpty, var saved = PartialDownload.load(sidecar),
            saved.hash == item.expectedHash, saved.size == item.expectedSize, let length = PartFile.size(of: partPath)
        else { return nil }
        for index in saved.segments.indices where saved.segments[index].next > length {
            saved.segments[index].done = max(0, length - saved.segments[index].start)
        }
        return saved
    }

    /// Fetches range `index` from where it stopped and writes it in place.
    func transfer(
        _ item: DownloadItem, segment index: Int, of ledger: SegmentLedger, into part: PartFile, single: Bool,
        prefixHasher: PrefixHasher?, onBytes: @escaping @Sendable (Int64) -> Void
    ) async throws -> PartWriter.Progress {
        let segment = ledger.snapshot.segments[index]
        let from = segment.next
        var request = api.request(.GET, "/api/data/\(PathSegment.encode(item.table))/download")
        let isRanged = from > 0 || !single
        if isRanged {
            request.headers.add(name: "Range", value: "bytes=\(from)-" + (segment.end.map { String($0 - 1) } ?? ""))
            if !item.expectedHash.isEmpty { request.headers.add(name: "If-Range", value: "\"\(item.expectedHash)\"") }
        }
        let label = "GET /api/data/\(item.table)/download"
        let response: HTTPClientResponse
        do {
            response = try await api.http.execute(request, timeout: transferTimeout)
        } catch {
            throw ClientError.transport(error, server: api.server, request: label)
        }
        switch Int(response.status.code) {
        case 200 where !isRanged:
            break
        case 200:
            // Ranges ignored (or the content changed under If-Range): one ordinary request instead.
            throw Restart(
                error: ClientError(.invalidResponse, "the server sent \(item.table) whole"), singleRange: true)
        case 206:
            let etag = Self.unquoted(response.headers.first(name: "ETag"))
            if Self.rangeStart(response.headers.first(name: "Content-Range")) != from
                || (!item.expectedHash.isEmpty && etag != nil && etag != item.expectedHash)
            {
                throw Restart(
                    error: ClientError(.invalidResponse, "the server resumed \(item.table) at the wrong place"))
            }
        case 416:
            throw Restart(error: ClientError(.invalidResponse, "the server refused to resume \(item.table)"))
        default:
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data(buffer: $0) } ?? Data()
            throw ClientError.http(
                APIResponse(status: Int(response.status.code), headers: response.headers, body: body, request: label))
        }
        var hasher = Insecure.MD5()
        if single, from > 0 {
            let partPath = part.path
            hasher = try await NIOThreadPool.singleton.runIfActive {
                var prefix = Insecure.MD5()
                guard FileDigest.update(&prefix, path: partPath, upTo: from) else {
                    throw ClientError(.io, "could not read \(partPath)")
                }
                return prefix
            }
        }
        var writer = PartWriter(part: part, start: .init(hasher: hasher, position: from))
        writer.isHashing = single
        writer.onWritten = { position in
            ledger.record(index, position: position)
            prefixHasher?.advance(to: ledger.writtenPrefix)
        }
        // The sidecar follows the data to disk, so a killed process resumes from what it had.
        if Self.keepsSidecar(item, count: ledger.snapshot.segments.count) {
            writer.onSynced = { try? ledger.persist() }
        }
        do {
            for try await chunk in response.body {
                onBytes(Int64(chunk.readableBytes))
                try await writer.append(chunk)
            }
        } catch let error as ClientError {
            throw error
        } catch {
            // Keep what arrived: the next attempt resumes from it.
            await writer.drain()
            throw ClientError.transport(error, server: api.server, request: label)
        }
        let progress = try await writer.finish()
        if let end = segment.end, progress.position != end {
            throw ClientError(.unreachable, "the server closed \(item.table) early", hint: "run agnes pull again")
        }
        return progress
    }

    /// Checks the finished file and renames it over the table's file.
    func install(_ item: DownloadItem, digest: String, size: Int64, resumedFrom: Int64, ledger: SegmentLedger)
        async throws -> DownloadOutcome
    {
        let partPath = item.partial.path
        if !item.expectedHash.isEmpty, digest != item.expectedHash.lowercased() {
            unlink(partPath)
            ledger.remove()
            if resumedFrom > 0 { throw Restart(error: Self.mismatch(item, digest)) }
            throw Self.mismatch(item, digest)
        }
        let destination = item.destination
        try await NIOThreadPool.singleton.runIfActive {
            if item.expectedHash.isEmpty, !FileDigest.looksLikeParquet(path: partPath) {
                unlink(partPath)
                throw ClientError(
                    .hashMismatch, "\(item.table): the server sent a file that is not parquet",
                    hint: "ask an admin to check the table's sync; agnes diagnose shows the server's health")
            }
            chmod(partPath, 0o644)
            // The directory is synced once for all files, by the caller (`syncDirectory`).
            try AtomicFile.replace(destination, with: URL(fileURLWithPath: partPath), syncingDirectory: false)
            ledger.remove()
        }
        return DownloadOutcome(
            table: item.table, hash: digest, size: size, transferred: size - resumedFrom, resumedFrom: resumedFrom,
            attempts: 1)
    }
}
