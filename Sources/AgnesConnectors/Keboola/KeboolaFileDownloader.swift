import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Downloads an exported file the way Keboola's clients do (developers.keboola.com, "Manually Importing
/// and Exporting Data"): a sliced file's `url` is a presigned manifest `{"entries":[{"url": …}]}`
/// whose entries are object-store addresses, each fetched with the file's federation credentials —
/// `s3://` signed with AWS Signature V4 and the session token, `gs://` through the GCS JSON API with
/// the bearer token, `azure://` with the container's SAS. Slices stream to disk in parallel (never
/// the whole table in memory); each one is retried from its start when a connection breaks.
struct KeboolaFileDownloader: Sendable {
    let configuration: KeboolaConfiguration
    let http: HTTPClient
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    /// A downloaded slice.
    struct Slice: Sendable, Hashable {
        /// Where it is on disk.
        var file: URL
        /// Its size.
        var bytes: Int64
    }

    /// Downloads every slice of `file` into `directory`, in manifest order; the files are named by
    /// their order and end `.csv.gz` when their bytes are gzip, else `.csv`.
    func download(_ file: KeboolaFile, into directory: URL) async throws -> [Slice] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sources: [SliceSource]
        if file.isSliced {
            let manifest = try await fetchManifest(file)
            sources = try manifest.map { try source(for: $0, of: file) }
        } else {
            sources = [SliceSource(url: file.url, headers: [], name: "file \(file.id)")]
        }
        let limit = configuration.parallelism
        return try await withThrowingTaskGroup(of: (Int, Slice).self) { group in
            var results: [Int: Slice] = [:]
            var next = 0
            func start() {
                guard next < sources.count else { return }
                let index = next
                let source = sources[index]
                next += 1
                group.addTask {
                    (index, try await self.fetch(source, to: directory.appendingPathComponent(String(format: "slice-%05d", index))))
                }
            }
            for _ in 0..<min(limit, sources.count) { start() }
            while let (index, slice) = try await group.next() {
                results[index] = slice
                start()
            }
            return (0..<sources.count).compactMap { results[$0] }
        }
    }

    /// A slice's address and the headers that authorize it.
    struct SliceSource: Sendable {
        var url: String
        var headers: [(String, String)]
        /// For messages (never contains credentials).
        var name: String
    }

    private struct Manifest: Decodable {
        struct Entry: Decodable { var url: String }
        var entries: [Entry]
    }

    private func fetchManifest(_ file: KeboolaFile) async throws -> [String] {
        let data = try await fetchSmall(file.url, what: "the manifest of file \(file.id)")
        guard let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else {
            throw KeboolaError(.invalidResponse, "the manifest of Keboola file \(file.id) is not {\"entries\": [{\"url\": …}]}")
        }
        return manifest.entries.map(\.url)
    }

    /// Maps a manifest entry to the request that fetches it.
    func source(for entry: String, of file: KeboolaFile) throws -> SliceSource {
        guard let components = URLComponents(string: entry), let scheme = components.scheme?.lowercased() else {
            throw KeboolaError(.invalidResponse, "a slice address of Keboola file \(file.id) is not a URL")
        }
        let host = components.host ?? ""
        let path = components.percentEncodedPath.removingPercentEncoding ?? components.path
        let name = "slice \((path as NSString).lastPathComponent) of file \(file.id)"
        switch scheme {
        case "s3":
            guard let credentials = file.awsCredentials else {
                throw KeboolaError(.invalidResponse, "Keboola file \(file.id) has S3 slices but no federation credentials")
            }
            let key = String(path.drop { $0 == "/" })
            let region = file.region ?? "us-east-1"
            let base: String
            let signedPath: String
            if let endpoint = configuration.s3Endpoint, let url = URLComponents(string: endpoint) {
                base = "\(url.scheme ?? "https")://\(Self.authority(url))"
                signedPath = url.path + "/" + host + "/" + key
            } else if host.contains(".") {
                base = "https://s3.\(region).amazonaws.com"
                signedPath = "/" + host + "/" + key
            } else {
                base = "https://\(host).s3.\(region).amazonaws.com"
                signedPath = "/" + key
            }
            let authority = URLComponents(string: base).map(Self.authority) ?? ""
            let signer = AWSSigV4(
                accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey,
                sessionToken: credentials.sessionToken, region: region)
            let headers = signer.headers(method: "GET", host: authority, path: signedPath, query: [], date: now())
            return SliceSource(url: base + AWSSigV4.canonicalPath(signedPath), headers: [("Host", authority)] + headers, name: name)
        case "gs":
            guard let token = file.gcsAccessToken else {
                throw KeboolaError(.invalidResponse, "Keboola file \(file.id) has GCS slices but no gcsCredentials")
            }
            let key = String(path.drop { $0 == "/" })
            let url =
                "\(configuration.gcsEndpoint)/storage/v1/b/\(AWSSigV4.encode(host))/o/\(AWSSigV4.encode(key))?alt=media"
            return SliceSource(url: url, headers: [("Authorization", "Bearer \(token)")], name: name)
        case "azure":
            guard let connection = file.azureConnectionString.map(Self.connectionString),
                let endpoint = connection["BlobEndpoint"], let sas = connection["SharedAccessSignature"]
            else {
                throw KeboolaError(.invalidResponse, "Keboola file \(file.id) has Azure slices but no SAS connection string")
            }
            // azure://<account>.blob.core.windows.net/<container>/<blob>: the blob endpoint names the account.
            let blobPath = path.split(separator: "/", omittingEmptySubsequences: true).map { AWSSigV4.encode(String($0)) }
                .joined(separator: "/")
            return SliceSource(url: "\(KeboolaConfiguration.trimmed(endpoint))/\(blobPath)?\(sas)", headers: [], name: name)
        case "http", "https":
            return SliceSource(url: entry, headers: [], name: name)
        default:
            throw KeboolaError(.invalidResponse, "Keboola file \(file.id) has a slice of unknown kind \(scheme)://")
        }
    }

    /// `host[:port]` as the Host header says it.
    static func authority(_ url: URLComponents) -> String {
        (url.host ?? "") + (url.port.map { ":\($0)" } ?? "")
    }

    /// `BlobEndpoint=…;SharedAccessSignature=…` as a dictionary.
    static func connectionString(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for part in text.split(separator: ";") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            fields[String(part[..<equals])] = String(part[part.index(after: equals)...])
        }
        return fields
    }

    private func fetchSmall(_ url: String, what: String) async throws -> Data {
        let http = self.http
        do {
            return try await configuration.retry.run { _ in
                let response: HTTPClientResponse
                let body: ByteBuffer
                do {
                    response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(120))
                    body = try await response.body.collect(upTo: 64 << 20)
                } catch let error as CancellationError {
                    throw error
                } catch {
                    throw TransientFailure(message: "\(what): the connection failed (\(error))")
                }
                guard response.status.code == 200 else {
                    throw Self.refusal(response, body: Data(buffer: body), what: what)
                }
                return Data(buffer: body)
            }
        } catch let failure as TransientFailure {
            throw KeboolaError(.unavailable, failure.message + " (gave up after retries)", status: failure.status)
        }
    }

    /// Streams one slice to `target` (plus `.csv` or `.csv.gz`), retrying from the start when the
    /// connection breaks or the body ends before its `Content-Length`.
    private func fetch(_ source: SliceSource, to target: URL) async throws -> Slice {
        let http = self.http
        let partial = target.appendingPathExtension("part")
        do {
            let bytes = try await configuration.retry.run { attempt -> Int64 in
                var request = HTTPClientRequest(url: source.url)
                for (name, value) in source.headers { request.headers.replaceOrAdd(name: name, value: value) }
                let descriptor = open(partial.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
                guard descriptor >= 0 else {
                    throw KeboolaError(.unavailable, "cannot write \(partial.path): \(String(cString: strerror(errno)))")
                }
                defer { close(descriptor) }
                let response: HTTPClientResponse
                do {
                    response = try await http.execute(request, timeout: .seconds(300))
                } catch let error as CancellationError {
                    throw error
                } catch {
                    throw TransientFailure(message: "\(source.name): the connection failed (\(error))")
                }
                guard response.status.code == 200 else {
                    let body = (try? await response.body.collect(upTo: 64 << 10)).map { Data(buffer: $0) } ?? Data()
                    throw Self.refusal(response, body: body, what: source.name)
                }
                var written: Int64 = 0
                do {
                    for try await chunk in response.body {
                        try chunk.withUnsafeReadableBytes { raw in
                            var offset = 0
                            while offset < raw.count {
                                let count = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                                if count < 0 {
                                    if errno == EINTR { continue }
                                    throw KeboolaError(.unavailable, "cannot write \(partial.path): \(String(cString: strerror(errno)))")
                                }
                                offset += count
                            }
                        }
                        written += Int64(chunk.readableBytes)
                    }
                } catch let error as KeboolaError {
                    throw error
                } catch let error as CancellationError {
                    throw error
                } catch {
                    throw TransientFailure(message: "\(source.name): the download broke off after \(written) bytes (\(error))")
                }
                if let expected = response.headers.first(name: "Content-Length").flatMap(Int64.init), expected != written {
                    throw TransientFailure(message: "\(source.name): the download ended after \(written) of \(expected) bytes")
                }
                if attempt > 1 { logger.info("slice downloaded after a retry", metadata: ["slice": "\(source.name)"]) }
                return written
            }
            let final = target.appendingPathExtension(Self.isGzip(partial) ? "csv.gz" : "csv")
            guard rename(partial.path, final.path) == 0 else {
                throw KeboolaError(.unavailable, "cannot rename \(partial.path): \(String(cString: strerror(errno)))")
            }
            return Slice(file: final, bytes: bytes)
        } catch let failure as TransientFailure {
            unlink(partial.path)
            throw KeboolaError(.unavailable, failure.message + " (gave up after retries)", status: failure.status)
        } catch {
            unlink(partial.path)
            throw error
        }
    }

    /// What an object store's answer other than 200 means: another attempt for 429 and 5xx (after its
    /// `Retry-After`), else a refusal with the store's own error code.
    static func refusal(_ response: HTTPClientResponse, body: Data, what: String) -> any Error {
        let status = Int(response.status.code)
        let failure = "\(what): the object store answered HTTP \(status)"
        if TransientFailure.isTransient(status: status) {
            return TransientFailure(
                status: status, retryAfter: TransientFailure.retryAfter(response.headers.first(name: "Retry-After")),
                message: failure)
        }
        return KeboolaError(.rejected, failure + storeMessage(body), status: status)
    }

    /// Whether a file starts with gzip's magic bytes (names and `Content-Encoding` are not trusted).
    static func isGzip(_ file: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 2)) ?? Data()
        return head == Data([0x1f, 0x8b])
    }

    /// An object store's own error code (`<Code>ExpiredToken</Code>`, `{"error":{"message":…}}`).
    static func storeMessage(_ body: Data) -> String {
        guard let text = String(data: body.prefix(4096), encoding: .utf8) else { return "" }
        if let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>", range: start.upperBound..<text.endIndex) {
            return " (\(text[start.upperBound..<end.lowerBound]))"
        }
        if let envelope = KeboolaErrorEnvelope.summary(of: body) { return " (\(envelope))" }
        return ""
    }
}
