import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import AgnesServer

/// Which answers are gzipped, and that gzip decodes to exactly the answer a client without it gets.
@Suite struct ResponseCompressionMiddlewareTests {
    static let gzip: HTTPFields = [.acceptEncoding: "gzip, deflate, br"]

    static func application(level: Int32 = GzipStream.defaultLevel) -> some ApplicationProtocol {
        let router = Router(context: AgnesRequestContext.self)
        router.add(middleware: ResponseCompressionMiddleware(level: level))
        router.get("/body") { request, _ in answer(request) }
        router.head("/body") { request, _ in answer(request) }
        let excluded = [
            "/api/data/:table/download", "/api/data", "/cli/wheel/:file", "/cli/download", "/cli/download/:os",
            "/marketplace.git/info/refs",
        ]
        for path in excluded {
            router.get(RouterPath(path)) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(bytes: GzipStreamTests.text(4096))))
            }
        }
        // Three chunks of unknown total length, as a route streaming rows writes them.
        router.get("/streamed") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/csv"],
                body: ResponseBody { writer in
                    for chunk in streamedChunks { try await writer.write(ByteBuffer(bytes: chunk)) }
                    try await writer.finish(nil)
                })
        }
        // Known length, but above what is compressed in one pass.
        router.get("/long") { _, _ in
            let bytes = GzipStreamTests.text(ResponseCompressionMiddleware.bufferedLimit + 1)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(contentLength: bytes.count) { writer in
                    try await writer.write(ByteBuffer(bytes: bytes))
                    try await writer.finish(nil)
                })
        }
        return Application(router: router)
    }

    static let streamedChunks = [0, 1, 2].map { part in
        Array(GzipStreamTests.text(300_000 + part)[(part * 100_000)..<(part * 100_000 + 100_000)])
    }

    /// `/body` answers what its query asks for: `length` bytes of JSON-ish text (or `random` bytes), of
    /// `type` (`none`: no Content-Type), with `status` and the `etag`, `cache` and `encoding` headers.
    static func answer(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        let length = query.get("length", as: Int.self) ?? 4096
        let bytes =
            query.get("random") == "1"
            ? (0..<length).map { _ in UInt8.random(in: 0...255) } : GzipStreamTests.text(length)
        var headers: HTTPFields = [:]
        let type = query.get("type") ?? "application/json"
        if type != "none" { headers[.contentType] = type }
        if let tag = query.get("etag") { headers[.eTag] = tag }
        if let cache = query.get("cache") { headers[.cacheControl] = cache }
        if let encoding = query.get("encoding") { headers[.contentEncoding] = encoding }
        if let range = query.get("range") { headers[.contentRange] = range }
        return Response(
            status: .init(code: query.get("status", as: Int.self) ?? 200), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func uri(_ parameters: [String: String]) -> String {
        "/body?"
            + parameters.sorted { $0.key < $1.key }.map { key, value in
                "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            }.joined(separator: "&")
    }

    static func vary(_ response: TestResponse) -> Set<String> {
        Set(
            response.headers[values: .vary].flatMap { $0.split(separator: ",") }.map {
                $0.trimmedOfWhitespace.lowercased()
            })
    }

    /// Checks an answer was gzipped and decodes to `plain`.
    static func expectGzipped(_ response: TestResponse, decodingTo plain: [UInt8]) throws {
        #expect(response.headers[.contentEncoding] == "gzip")
        #expect(vary(response).contains("accept-encoding"))
        #expect(try Gunzip.decode(response.body) == plain)
        #expect(response.body.readableBytes < plain.count)
    }

    @Test(arguments: [1024, 1025, 20_000, ResponseCompressionMiddleware.bufferedLimit])
    func answersOfAKilobyteAndMoreAreGzipped(length: Int) async throws {
        try await Self.application().test(.router) { client in
            let uri = Self.uri(["length": "\(length)"])
            let plain = try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(Array(plain.body.readableBytesView) == GzipStreamTests.text(length))
            let gzipped = try await client.executeRequest(uri: uri, method: .get, headers: Self.gzip, body: nil)
            #expect(gzipped.status == .ok)
            try Self.expectGzipped(gzipped, decodingTo: Array(plain.body.readableBytesView))
            // Compressed in one pass: the new length is announced.
            #expect(gzipped.headers[.contentLength] == String(gzipped.body.readableBytes))
            #expect(gzipped.headers[.contentType] == "application/json")
        }
    }

    @Test(arguments: [0, 10, 1023])
    func answersUnderAKilobyteAreLeftAlone(length: Int) async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: Self.uri(["length": "\(length)"]), method: .get, headers: Self.gzip, body: nil)
            #expect(response.headers[.contentEncoding] == nil)
            #expect(Self.vary(response).isEmpty)
            #expect(Array(response.body.readableBytesView) == GzipStreamTests.text(length))
        }
    }

    /// The full table of `Accept-Encoding` spellings is ``AcceptEncodingTests``; over HTTP, an answer
    /// that could have been gzipped says it varies on the header either way.
    @Test(
        arguments: [
            (nil, false), ("", false), ("identity", false), ("br", false), ("gzip;q=0", false), ("*;q=0", false),
            ("*, gzip;q=0", false), ("gzip", true), ("*", true), ("br, gzip;q=0.2", true),
        ] as [(String?, Bool)])
    func onlyClientsThatAcceptGzipGetIt(acceptEncoding: String?, gzipped: Bool) async throws {
        try await Self.application().test(.router) { client in
            let headers: HTTPFields = acceptEncoding.map { [.acceptEncoding: $0] } ?? [:]
            let response = try await client.executeRequest(
                uri: Self.uri([:]), method: .get, headers: headers, body: nil)
            #expect(Self.vary(response) == ["accept-encoding"])
            if gzipped {
                try Self.expectGzipped(response, decodingTo: GzipStreamTests.text(4096))
            } else {
                #expect(response.headers[.contentEncoding] == nil)
                #expect(Array(response.body.readableBytesView) == GzipStreamTests.text(4096))
            }
        }
    }

    @Test(arguments: [
        "application/vnd.apache.parquet", "application/octet-stream", "application/zip", "application/gzip",
        "application/x-gzip", "application/pdf", "image/png", "image/jpeg", "IMAGE/WEBP", "video/mp4", "audio/ogg",
        "font/woff2", "text/event-stream", "application/octet-stream; charset=binary", "none", "",
        "application/vnd.apache.arrow.stream",
    ])
    func compressedAndOpaqueTypesAreLeftAlone(type: String) async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: Self.uri(["type": type]), method: .get, headers: Self.gzip, body: nil)
            #expect(response.headers[.contentEncoding] == nil)
            #expect(Self.vary(response).isEmpty)
            #expect(Array(response.body.readableBytesView) == GzipStreamTests.text(4096))
        }
    }

    @Test(arguments: [
        "application/json", "application/json; charset=utf-8", "text/csv", "text/html; charset=utf-8",
        "text/plain", "image/svg+xml", "application/problem+json",
    ])
    func textAndJSONAreGzipped(type: String) async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: Self.uri(["type": type]), method: .get, headers: Self.gzip, body: nil)
            try Self.expectGzipped(response, decodingTo: GzipStreamTests.text(4096))
            #expect(response.headers[.contentType] == type)
        }
    }

    @Test(arguments: [
        ["status": "204"], ["status": "304"], ["status": "206", "range": "bytes 0-4095/10000"],
        ["range": "bytes 0-4095/4096"], ["encoding": "br"], ["encoding": "identity"],
        ["cache": "private, no-transform"], ["cache": "No-Transform"],
    ])
    func partialEmptyAndAlreadyEncodedAnswersAreLeftAlone(parameters: [String: String]) async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: Self.uri(parameters), method: .get, headers: Self.gzip, body: nil)
            #expect(response.headers[.contentEncoding] == parameters["encoding"])
            #expect(Self.vary(response).isEmpty)
        }
    }

    @Test func headRequestsAreLeftAlone() async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: Self.uri([:]), method: .head, headers: Self.gzip, body: nil)
            #expect(response.headers[.contentEncoding] == nil)
            #expect(Self.vary(response).isEmpty)
        }
    }

    /// The original's exclusions: parquet downloads, wheels, CLI downloads, the marketplace git repo.
    @Test(arguments: [
        "/api/data/orders/download", "/api/data", "/api/data/", "/cli/wheel/agnes.whl",
        "/cli/download", "/cli/download/linux", "/marketplace.git/info/refs",
    ])
    func excludedPathsAreLeftAlone(path: String) async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(uri: path, method: .get, headers: Self.gzip, body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentEncoding] == nil)
            #expect(Array(response.body.readableBytesView) == GzipStreamTests.text(4096))
        }
    }

    /// Matched as the router matches paths: empty segments do not count.
    @Test(arguments: [
        ("//api//data/orders/download", true), ("/api/data/", true), ("/api/data", true), ("/cli/wheel", true),
        ("/marketplace.git", true), ("/marketplace.git/objects/ab", true), ("/api/database", false),
        ("/api/query", false), ("/apidata/x", false), ("/cli/wheels", false),
    ])
    func excludedPathsAreMatchedAsTheRouterMatchesThem(path: String, excluded: Bool) {
        #expect(ResponseCompressionMiddleware.isUncompressed(path: path) == excluded)
    }

    @Test(arguments: [("\"abc\"", "W/\"abc\""), ("W/\"abc\"", "W/\"abc\"")])
    func aCompressedAnswersETagIsWeak(sent: String, expected: String) async throws {
        try await Self.application().test(.router) { client in
            let uri = Self.uri(["etag": sent])
            let gzipped = try await client.executeRequest(uri: uri, method: .get, headers: Self.gzip, body: nil)
            #expect(gzipped.headers[.eTag] == expected)
            let plain = try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
            #expect(plain.headers[.eTag] == sent)
        }
    }

    @Test func aBodyGzipCannotShrinkIsSentAsItIs() async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: Self.uri(["random": "1", "length": "4096", "etag": "\"abc\""]), method: .get, headers: Self.gzip,
                body: nil)
            #expect(response.headers[.contentEncoding] == nil)
            #expect(response.headers[.eTag] == "\"abc\"")
            #expect(response.headers[.contentLength] == "4096")
            #expect(response.body.readableBytes == 4096)
            #expect(Self.vary(response) == ["accept-encoding"])
        }
    }

    @Test func streamedAnswersAreGzippedChunkByChunkAndSentChunked() async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/streamed", method: .get, headers: Self.gzip, body: nil)
            try Self.expectGzipped(response, decodingTo: Self.streamedChunks.flatMap { $0 })
            #expect(response.headers[.contentLength] == nil)
        }
    }

    @Test func answersAboveTheOnePassLimitAreStreamedToo() async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.executeRequest(uri: "/long", method: .get, headers: Self.gzip, body: nil)
            try Self.expectGzipped(
                response, decodingTo: GzipStreamTests.text(ResponseCompressionMiddleware.bufferedLimit + 1))
            #expect(response.headers[.contentLength] == nil)
        }
    }

    /// Over a real socket: a chunked gzip body through Hummingbird's HTTP/1.1 encoder.
    @Test func aStreamedAnswerCrossesARealConnection() async throws {
        try await Self.application().test(.live) { client in
            let response = try await client.executeRequest(
                uri: "/streamed", method: .get, headers: Self.gzip, body: nil)
            try Self.expectGzipped(response, decodingTo: Self.streamedChunks.flatMap { $0 })
            #expect(response.headers[.transferEncoding] == "chunked")
        }
    }

    /// When zlib cannot start, nothing has been sent yet: the answer goes out whole and uncompressed.
    @Test(arguments: [Self.uri([:]), "/streamed", "/long"])
    func whenZlibCannotStartTheAnswerIsSentUncompressed(uri: String) async throws {
        try await Self.application(level: 42).test(.router) { client in
            let response = try await client.executeRequest(uri: uri, method: .get, headers: Self.gzip, body: nil)
            let plain = try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentEncoding] == nil)
            #expect(response.body == plain.body)
        }
    }
}
