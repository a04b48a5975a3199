import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Gzips answers of 1 KiB and more for clients whose `Accept-Encoding` allows it (REFERENCE §1.0).
///
/// Left as they are:
/// - paths under `/api/data/`, `/cli/wheel/`, `/cli/download` and `/marketplace.git` (the original's
///   exclusions: parquet downloads must stay byte-identical for `Range`, `If-Range` and the client's
///   hash check), and every `HEAD`;
/// - `1xx`, `204`, `206`, `304`, answers with a `Content-Encoding` or `Content-Range` already, and
///   `Cache-Control: no-transform`;
/// - bodies shorter than 1,024 bytes, and already-compressed or opaque types: parquet,
///   `application/octet-stream`, zip, gzip and other archives, PDF, images (but SVG), audio, video, WOFF
///   fonts; `text/event-stream` too (deflate would hold events back); the scan's Arrow stream (binary,
///   often large, and its `Content-Length` lets the client see a cut); and a body without a type.
///
/// An eligible answer carries `Vary: Accept-Encoding` whether or not this client accepted gzip, so a
/// cache never hands one client's encoding to another. A compressed one gets `Content-Encoding: gzip`,
/// and its strong `ETag` becomes weak (`W/"…"`): the bytes differ from the identity body's, which a
/// strong tag would promise for ranges; `If-None-Match` compares weakly, so revalidation still works.
///
/// Bodies of known length up to 1 MiB are compressed in one pass and sent with their new
/// `Content-Length` (kept identity when gzip would not make them smaller). Longer or unknown-length
/// (streamed) bodies are compressed chunk by chunk as the route writes them and sent chunked: nothing
/// is buffered beyond a chunk. If zlib cannot start (it allocates about 256 KiB), the answer goes out
/// uncompressed: nothing has been sent yet when that is known.
///
/// ```swift
/// router.add(middleware: ResponseCompressionMiddleware())
/// ```
struct ResponseCompressionMiddleware: RouterMiddleware {
    typealias Context = AgnesRequestContext

    /// The shortest body worth compressing (the original's `GZipMiddleware(minimum_size=1024)`).
    static let minimumLength = 1024
    /// The longest known-length body compressed in one pass, in memory.
    static let bufferedLimit = 1 << 20
    static let uncompressedPathPrefixes = ["/api/data/", "/cli/wheel/", "/cli/download", "/marketplace.git"]
    static let compressedTypes: Set<String> = [
        "application/octet-stream", "application/vnd.apache.parquet", "application/parquet", "application/x-parquet",
        "application/zip", "application/gzip", "application/x-gzip", "application/zstd", "application/x-bzip2",
        "application/x-xz", "application/x-7z-compressed", "application/x-rar-compressed", "application/pdf",
        "text/event-stream",
        // The scan's Arrow stream: binary, often large, and its Content-Length lets a client see a cut.
        "application/vnd.apache.arrow.stream",
    ]
    static let compressedTypePrefixes = ["image/", "audio/", "video/", "font/woff"]

    let level: Int32

    init(level: Int32 = GzipStream.defaultLevel) { self.level = level }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method != .head, !Self.isUncompressed(path: request.uri.path) else {
            return try await next(request, context)
        }
        var response = try await next(request, context)
        guard Self.isEligible(response) else { return response }
        response.headers.addVary("Accept-Encoding")
        guard AcceptEncoding.allowsGzip(request.headers[values: .acceptEncoding]) else { return response }
        if let length = response.body.contentLength, length <= Self.bufferedLimit {
            return try await compressedInOnePass(response, logger: context.logger)
        }
        let gzip: GzipStream
        do {
            gzip = try GzipStream(level: level)
        } catch {
            context.logger.warning("response sent uncompressed", metadata: ["error": "\(error)"])
            return response
        }
        response.body = response.body.gzipped(by: gzip)
        response.headers[.contentLength] = nil
        return Self.markedCompressed(response)
    }

    private func compressedInOnePass(_ response: Response, logger: Logger) async throws -> Response {
        var response = response
        let collector = CollectingBodyWriter()
        try await response.body.write(collector)
        let plain = collector.buffer
        let compressed: ByteBuffer
        do {
            compressed = try GzipStream.compressed(plain, level: level)
        } catch {
            logger.warning("response sent uncompressed", metadata: ["error": "\(error)"])
            response.body = CollectingBodyWriter.body(plain, trailingHeaders: collector.trailingHeaders)
            return response
        }
        let isSmaller = compressed.readableBytes < plain.readableBytes
        response.body = CollectingBodyWriter.body(
            isSmaller ? compressed : plain, trailingHeaders: collector.trailingHeaders)
        response.headers[.contentLength] = String(isSmaller ? compressed.readableBytes : plain.readableBytes)
        return isSmaller ? Self.markedCompressed(response) : response
    }

    private static func markedCompressed(_ response: Response) -> Response {
        var response = response
        response.headers[.contentEncoding] = "gzip"
        if let tag = response.headers[.eTag], !tag.hasPrefix("W/") { response.headers[.eTag] = "W/" + tag }
        return response
    }

    /// Paths as the router matches them (empty segments do not count), so `//api/data/x/download` is
    /// excluded too.
    static func isUncompressed(path: String) -> Bool {
        let routed = CSRFMiddleware.routedPath(path)
        return uncompressedPathPrefixes.contains { routed.hasPrefix($0) || routed + "/" == $0 }
    }

    static func isEligible(_ response: Response) -> Bool {
        switch response.status.code {
        case 100..<200, 204, 206, 304: return false
        default: break
        }
        let headers = response.headers
        guard headers[.contentEncoding] == nil, headers[.contentRange] == nil else { return false }
        if let length = response.body.contentLength, length < minimumLength { return false }
        let noTransform = headers[values: .cacheControl].contains { $0.lowercased().contains("no-transform") }
        return !noTransform && isCompressible(contentType: headers[.contentType])
    }

    /// Whether a body of this type is worth gzip: not already compressed, not opaque, not a live stream.
    static func isCompressible(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(\.trimmedOfWhitespace)?.lowercased()
        guard let mediaType, !mediaType.isEmpty, !compressedTypes.contains(mediaType) else { return false }
        if mediaType == "image/svg+xml" { return true }
        return !compressedTypePrefixes.contains { mediaType.hasPrefix($0) }
    }
}
