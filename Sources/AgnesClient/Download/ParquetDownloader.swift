import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

/// Fetches table files in parallel (bounded), each into `<file>.part`: large files in several byte
/// ranges at once, every range resumed with `Range` after a broken transfer (`<file>.part.json`
/// records which content and how far), retried with backoff on network and server errors, verified
/// against the manifest's MD5, then renamed over the file. A table either ends with its new,
/// verified file or keeps its old one.
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
    /// When and how a file is fetched in several ranges at once.
    public var segmentation = Segmentation()

    /// Files of at least `threshold` bytes start with their first `probeSize` bytes over one
    /// connection, timed. When one connection would need longer than `splitAbove` for the rest, the
    /// rest comes in ranges of about `rangeSize` bytes, at most `maximumRanges` at once; otherwise in
    /// one more request. (A server that ignores `Range` gets one ordinary request instead.)
    public struct Segmentation: Sendable {
        /// The smallest file fetched in ranges.
        public var threshold: Int64 = 32 << 20
        /// The target size of one range.
        public var rangeSize: Int64 = 16 << 20
        /// The most ranges per file.
        public var maximumRanges = 4
        /// The bytes fetched first, alone, to measure the link.
        public var probeSize: Int64 = 4 << 20
        /// The time one connection may take for the rest before it is split.
        public var splitAbove: Duration = .seconds(1)

        /// Defaults.
        public init() {}

        /// Whether a file of `size` bytes is fetched as a probe and a remainder.
        func isSegmented(size: Int64?) -> Bool {
            guard let size, maximumRanges > 1, rangeSize > 0 else { return false }
            return size >= threshold && size > probeSize
        }

        /// Ranges for a remainder of `remaining` bytes.
        func count(forRemainder remaining: Int64) -> Int {
            Int(min(Int64(maximumRanges), max(1, (remaining + rangeSize - 1) / rangeSize)))
        }

        /// Whether `remaining` bytes would take longer than `splitAbove` at the rate of the probe.
        func shouldSplit(remaining: Int64, probed bytes: Int64, in elapsed: Duration) -> Bool {
            guard count(forRemainder: remaining) > 1 else { return false }
            guard bytes > 0 else { return true }
            return elapsed.inSeconds * Double(remaining) / Double(bytes) > splitAbove.inSeconds
        }
    }

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
            // One directory sync makes every rename above durable.
            for directory in Set(items.map { $0.destination.deletingLastPathComponent().path }) {
                AtomicFile.syncDirectory(directory)
            }
            return results
        }
    }

    /// One item, with retries.
    func fetch(_ item: DownloadItem, onBytes: @escaping @Sendable (Int64) -> Void) async
        -> Result<DownloadOutcome, ClientError>
    {
        var attempt = 0
        var mode = Mode.resume
        while true {
            attempt += 1
            do {
                var outcome = try await fetchOnce(item, mode: mode, onBytes: onBytes)
                outcome.attempts = attempt
                return .success(outcome)
            } catch let failure as Restart {
                // The partial file cannot be continued: start over at once (not a retry).
                mode = failure.singleRange ? .singleRange : .fresh
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

    /// How an attempt treats an existing partial file.
    enum Mode {
        /// Continue it when its sidecar says it is of this content.
        case resume
        /// Discard it.
        case fresh
        /// Discard it and use one ordinary request (the server does not serve ranges).
        case singleRange
    }

    static func isRetryable(_ error: ClientError) -> Bool {
        error.code == .unreachable || error.code == .server || error.code == .rateLimited
    }

    /// Thrown when the partial file must be discarded and the download restarted from byte 0.
    struct Restart: Error {
        let error: ClientError
        var singleRange = false
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
