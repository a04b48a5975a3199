import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

/// Fetches table files in parallel (bounded), each into `<file>.part`: resumed with `Range` after a
/// broken transfer, retried with backoff on network and server errors, verified against the
/// manifest's MD5, then renamed over the file. A table either ends with its new, verified file or
/// keeps its old one.
///
/// ```swift
/// let downloader = ParquetDownloader(api: api, concurrency: 4)
/// let results = await downloader.download(items) { bytes in progress.add(bytes) }
/// ```
public struct ParquetDownloader: Sendable {
    /// The API client.
    public let api: AgnesAPI
    /// Downloads running at once.
    public var concurrency: Int
    /// Pauses before each retry; its count is the number of retries (REFERENCE §2.1: 0.3 s, 1 s, 3 s).
    public var retryDelays: [Duration]
    /// How to wait (tests pass one that does not sleep).
    public var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    /// Time allowed for one file's transfer.
    public var transferTimeout: TimeAmount = .hours(2)

    /// Bytes gathered before one write to disk.
    static let writeChunk = 1 << 20

    /// Creates a downloader. `retries` defaults to `AGNES_STREAM_RETRIES` semantics (3).
    public init(api: AgnesAPI, concurrency: Int = 4, retries: Int = 3) {
        self.api = api
        self.concurrency = max(1, concurrency)
        let delays: [Duration] = [.milliseconds(300), .seconds(1), .seconds(3)]
        self.retryDelays = (0..<max(0, retries)).map { delays[min($0, delays.count - 1)] }
    }

    /// Downloads every item; the result for each table, keyed by table id. `onBytes` is called as bytes
    /// arrive (from several tasks at once). Larger files start first.
    public func download(
        _ items: [DownloadItem], onBytes: @escaping @Sendable (Int64) -> Void = { _ in },
        onFinished: (String, ClientError?) -> Void = { _, _ in }
    ) async -> [String: Result<DownloadOutcome, ClientError>] {
        let queue = items.sorted { ($0.expectedSize ?? 0) > ($1.expectedSize ?? 0) }
        return await withTaskGroup(of: (String, Result<DownloadOutcome, ClientError>).self) { group in
            var results: [String: Result<DownloadOutcome, ClientError>] = [:]
            var next = 0
            func startNext() {
                guard next < queue.count else { return }
                let item = queue[next]
                next += 1
                group.addTask { (item.table, await fetch(item, onBytes: onBytes)) }
            }
            for _ in 0..<min(concurrency, queue.count) { startNext() }
            while let (table, result) = await group.next() {
                results[table] = result
                if case .failure(let error) = result { onFinished(table, error) } else { onFinished(table, nil) }
                startNext()
            }
            return results
        }
    }

    /// One item, with retries.
    func fetch(_ item: DownloadItem, onBytes: @escaping @Sendable (Int64) -> Void) async
        -> Result<DownloadOutcome, ClientError>
    {
        var attempt = 0
        var resumable = true
        while true {
            attempt += 1
            do {
                var outcome = try await fetchOnce(item, resumable: resumable, onBytes: onBytes)
                outcome.attempts = attempt
                return .success(outcome)
            } catch let failure as Restart {
                // The partial file did not belong to this content: start over at once (not a retry).
                resumable = false
                if attempt > retryDelays.count + 2 { return .failure(failure.error) }
            } catch {
                let error = (error as? ClientError) ?? ClientError(.io, "\(error)")
                guard Self.isRetryable(error), attempt <= retryDelays.count, !Task.isCancelled else {
                    return .failure(error)
                }
                try? await sleep(retryDelays[attempt - 1])
            }
        }
    }

    static func isRetryable(_ error: ClientError) -> Bool {
        error.code == .unreachable || error.code == .server || error.code == .rateLimited
    }

    /// Thrown when the partial file must be discarded and the download restarted from byte 0.
    struct Restart: Error {
        let error: ClientError
    }

    func fetchOnce(_ item: DownloadItem, resumable: Bool, onBytes: @escaping @Sendable (Int64) -> Void)
        async throws -> DownloadOutcome
    {
        let partPath = item.partial.path
        var offset = resumable ? (PartFile.size(of: partPath) ?? 0) : 0
        if let expected = item.expectedSize, offset >= expected, expected > 0 { offset = 0 }
        var request = api.request(.GET, "/api/data/\(PathSegment.encode(item.table))/download")
        if offset > 0 {
            request.headers.add(name: "Range", value: "bytes=\(offset)-")
            if !item.expectedHash.isEmpty { request.headers.add(name: "If-Range", value: "\"\(item.expectedHash)\"") }
        }
        let label = "GET /api/data/\(item.table)/download"
        let response: HTTPClientResponse
        do {
            response = try await api.http.execute(request, timeout: transferTimeout)
        } catch {
            throw ClientError.transport(error, server: api.server, request: label)
        }
        let status = Int(response.status.code)
        switch status {
        case 200:
            offset = 0
        case 206:
            let start = Self.rangeStart(response.headers.first(name: "Content-Range"))
            let etag = Self.unquoted(response.headers.first(name: "ETag"))
            if start != offset || (!item.expectedHash.isEmpty && etag != nil && etag != item.expectedHash) {
                throw Restart(
                    error: ClientError(.invalidResponse, "the server resumed \(item.table) at the wrong place"))
            }
        case 416:
            throw Restart(error: ClientError(.invalidResponse, "the server refused to resume \(item.table)"))
        default:
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data(buffer: $0) } ?? Data()
            throw ClientError.http(APIResponse(status: status, headers: response.headers, body: body, request: label))
        }
        return try await receive(item, response: response, from: offset, label: label, onBytes: onBytes)
    }

    /// Streams the body into the partial file from `offset`, verifies it and renames it into place.
    private func receive(
        _ item: DownloadItem, response: HTTPClientResponse, from offset: Int64, label: String,
        onBytes: @escaping @Sendable (Int64) -> Void
    ) async throws -> DownloadOutcome {
        let partPath = item.partial.path
        let pool = NIOThreadPool.singleton
        let (part, initialHasher) = try await pool.runIfActive { () throws -> (PartFile, Insecure.MD5) in
            var hasher = Insecure.MD5()
            if offset > 0, !FileDigest.update(&hasher, path: partPath, upTo: offset) {
                throw ClientError(.io, "could not read \(partPath)")
            }
            return (try PartFile.open(path: partPath, keeping: offset), hasher)
        }
        var hasher = initialHasher
        var position = offset
        var pending = ByteBuffer()
        var isComplete = false
        defer { if !isComplete { part.close() } }
        do {
            for try await chunk in response.body {
                pending.writeImmutableBuffer(chunk)
                onBytes(Int64(chunk.readableBytes))
                if pending.readableBytes >= Self.writeChunk {
                    (hasher, position) = try await flush(pending, to: part, at: position, hasher: hasher)
                    pending.clear()
                }
            }
            (hasher, position) = try await flush(pending, to: part, at: position, hasher: hasher)
        } catch let error as ClientError {
            if error.code == .diskFull { unlink(partPath) }
            throw error
        } catch {
            // Keep what arrived in the partial file: the next attempt resumes from it.
            _ = try? await flush(pending, to: part, at: position, hasher: hasher)
            throw ClientError.transport(error, server: api.server, request: label)
        }
        let digest = FileDigest.hex(hasher.finalize())
        try await pool.runIfActive { try part.sync() }
        part.close()
        isComplete = true
        if !item.expectedHash.isEmpty, digest != item.expectedHash.lowercased() {
            unlink(partPath)
            let etag = Self.unquoted(response.headers.first(name: "ETag"))
            if offset > 0 { throw Restart(error: Self.mismatch(item, digest)) }
            if let etag, etag != item.expectedHash, etag.count == 32 {
                throw ClientError(
                    .hashMismatch, "\(item.table) changed on the server while it was being pulled",
                    hint: "run agnes pull again")
            }
            throw Self.mismatch(item, digest)
        }
        let destination = item.destination
        try await pool.runIfActive {
            if item.expectedHash.isEmpty, !FileDigest.looksLikeParquet(path: partPath) {
                unlink(partPath)
                throw ClientError(
                    .hashMismatch, "\(item.table): the server sent a file that is not parquet",
                    hint: "ask an admin to check the table's sync; agnes diagnose shows the server's health")
            }
            chmod(partPath, 0o644)
            try AtomicFile.replace(destination, with: URL(fileURLWithPath: partPath))
        }
        return DownloadOutcome(
            table: item.table, hash: digest, size: position, transferred: position - offset, resumedFrom: offset,
            attempts: 1)
    }

    /// Hashes and writes `buffer` at `position` off the cooperative pool.
    private func flush(_ buffer: ByteBuffer, to part: PartFile, at position: Int64, hasher: Insecure.MD5)
        async throws -> (Insecure.MD5, Int64)
    {
        guard buffer.readableBytes > 0 else { return (hasher, position) }
        return try await NIOThreadPool.singleton.runIfActive {
            var hasher = hasher
            try buffer.withUnsafeReadableBytes { bytes in
                hasher.update(bufferPointer: bytes)
                try part.write(bytes, at: position)
            }
            return (hasher, position + Int64(buffer.readableBytes))
        }
    }

    static func mismatch(_ item: DownloadItem, _ digest: String) -> ClientError {
        ClientError(
            .hashMismatch,
            "\(item.table): downloaded bytes do not match the manifest (MD5 \(digest), expected \(item.expectedHash))",
            hint: "run agnes pull again; if it persists, the server's file is damaged: tell an admin")
    }

    /// The first byte of `Content-Range: bytes 100-199/200`.
    static func rangeStart(_ header: String?) -> Int64? {
        guard let header, let range = header.split(separator: " ").last else { return nil }
        return range.split(separator: "-").first.flatMap { Int64($0) }
    }

    /// An ETag without quotes or the weak prefix.
    static func unquoted(_ etag: String?) -> String? {
        guard var value = etag?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.hasPrefix("W/") { value.removeFirst(2) }
        return value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
}
