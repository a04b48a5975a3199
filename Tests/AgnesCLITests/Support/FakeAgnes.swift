import AgnesClient
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat

/// A fake Agnes server on 127.0.0.1, only for what our real server cannot be made to do (see
/// ``RealAgnes`` for everything else): stall or cut a download, answer a 5xx mid-file or on an upload,
/// send bytes that do not match the manifest, ignore ranges, lack a route. It speaks the real wire
/// shapes the CLI uses — the manifest (`server_time` an ISO 8601 instant), downloads with ETag /
/// If-None-Match / Range / If-Range, the memory bundle, multipart uploads of a `file`
/// part — and errors as the real server's `{"detail": …}`. Tests change its tables and inject failures
/// between calls.
actor FakeAgnes {
    struct Table {
        var data: Data
        var queryMode = "local"
        var hashOverride: String?
        var hash: String { hashOverride ?? Self.md5(data) }

        static func md5(_ data: Data) -> String {
            Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// How a download request should misbehave.
    enum Failure {
        /// Send this many bytes, then drop the connection.
        case cut(after: Int)
        /// Answer with this status.
        case status(Int)
        /// Send different bytes than the manifest's hash describes.
        case corrupt
    }

    var tables: [String: Table] = [:]
    var failures: [String: [Failure]] = [:]
    var token = "good-token"
    var bundle: JSONValue? = .object(["mandatory": .array([]), "approved": .array([])])
    /// The items of `GET /api/memory` (each with its `status`); nil: no such route (404).
    var memory: [JSONValue]?
    /// A status `GET /api/memory` answers with instead of its items.
    var memoryFailure: Int?
    var ignoresRange = false
    var uploadFailure: Int?
    /// Whether `GET /api/v2/catalog` exists (404 otherwise, as on an older server).
    var servesCatalog = false
    private(set) var log: [String] = []
    /// Every request received, as `METHOD /path`, whatever the route.
    private(set) var requests: [String] = []
    private(set) var uploads: [String: Data] = [:]

    func set(_ id: String, _ data: Data, mode: String = "local") { tables[id] = Table(data: data, queryMode: mode) }
    func remove(_ id: String) { tables[id] = nil }
    func fail(_ id: String, _ failure: Failure) { failures[id, default: []].append(failure) }
    func setBundle(_ value: JSONValue?) { bundle = value }
    func setMemory(_ items: [JSONValue]?) { memory = items }
    func setMemoryFailure(_ status: Int?) { memoryFailure = status }
    func setIgnoresRange(_ value: Bool) { ignoresRange = value }
    func setUploadFailure(_ status: Int?) { uploadFailure = status }
    func setServesCatalog(_ value: Bool) { servesCatalog = value }
    func recordRequest(_ entry: String) { requests.append(entry) }
    func setHashOverride(_ id: String, _ hash: String?) { tables[id]?.hashOverride = hash }
    func clearLog() { log = [] }
    func record(_ entry: String) { log.append(entry) }
    func recordUpload(_ name: String, _ data: Data) { uploads[name] = data }

    /// Download requests logged since the last `clearLog()`, as table ids.
    var downloads: [String] {
        log.filter { $0.hasPrefix("download ") }.map { String($0.split(separator: " ")[1]) }
    }

    func nextFailure(_ id: String) -> Failure? {
        guard var queue = failures[id], !queue.isEmpty else { return nil }
        let first = queue.removeFirst()
        failures[id] = queue
        return first
    }

    /// Runs `body` with the base URL of a live server.
    nonisolated func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    nonisolated func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestRecorder(fake: self))
        router.get("/api/v2/catalog") { request, _ in
            guard await self.servesCatalog else { throw FakeError(.notFound, "Not Found") }
            try await self.authorize(request)
            await self.record("catalog cache-control=\(request.headers[.cacheControl] ?? "none")")
            let tables = await self.tables.keys.sorted().map { id in
                JSONValue.object([
                    "id": .string(id), "name": .string(id), "description": .string(""), "source_type": .string("local"),
                    "query_mode": .string("local"), "sql_flavor": .string("duckdb"), "where_examples": .array([]),
                    "fetch_via": .string("already local"), "rough_size_hint": .null,
                ])
            }
            return Self.json(
                .object(["tables": .array(tables), "server_time": .string(Date().formatted(.iso8601))]))
        }
        router.get("/api/sync/manifest") { request, _ in
            try await self.authorize(request)
            await self.record("manifest")
            var tables: [String: JSONValue] = [:]
            for (id, table) in await self.tables {
                tables[id] = .object([
                    "hash": .string(table.hash), "size_bytes": .int(Int64(table.data.count)), "rows": .int(1),
                    "query_mode": .string(table.queryMode), "source_type": .string("local"), "updated": .null,
                ])
            }
            return Self.json(
                .object([
                    "tables": .object(tables), "assets": .object([:]),
                    "server_time": .string(Date().formatted(.iso8601)),
                ]))
        }
        router.get("/api/data/:id/download") { request, context in
            try await self.authorize(request)
            let id = try context.parameters.require("id")
            return try await self.download(id, request: request)
        }
        router.get("/api/memory/bundle") { request, _ in
            try await self.authorize(request)
            guard let bundle = await self.bundle else { throw FakeError(.notFound, "Not Found") }
            return Self.json(bundle)
        }
        router.get("/api/memory") { request, _ in
            try await self.authorize(request)
            if let status = await self.memoryFailure { throw FakeError(.init(code: status), "injected failure") }
            guard let memory = await self.memory else { throw FakeError(.notFound, "Not Found") }
            return Self.json(Self.memoryPage(memory, query: request.uri.queryParameters))
        }
        router.post("/api/upload/sessions") { request, _ in
            try await self.authorize(request)
            if let status = await self.uploadFailure {
                return Self.json(.object(["detail": .string("upload refused")]), status: .init(code: status))
            }
            let body = Data(buffer: try await request.body.collect(upTo: 1 << 24))
            // As the real route: the `file` part of a multipart form, else 422.
            guard let part = Self.filePart(of: body, contentType: request.headers[.contentType]) else {
                throw FakeError(.unprocessableContent, "field required: file")
            }
            await self.recordUpload(part.filename, part.content)
            return Self.json(.object(["filename": .string(part.filename), "size": .int(Int64(part.content.count))]))
        }
        return router
    }

    /// One page of `items` as the real list route answers it: filtered by `status_filter`, paged by
    /// `page` and `per_page`.
    static func memoryPage(_ items: [JSONValue], query: Parameters) -> JSONValue {
        let status = query.get("status_filter")
        let matching = items.filter { status == nil || $0["status"]?.string == status }
        let page = max(Int(query.get("page") ?? "") ?? 1, 1)
        let perPage = min(max(Int(query.get("per_page") ?? "") ?? 50, 1), 1000)
        let slice = Array(matching.dropFirst((page - 1) * perPage).prefix(perPage))
        return .object([
            "items": .array(slice), "count": .int(Int64(slice.count)), "page": .int(Int64(page)),
            "per_page": .int(Int64(perPage)), "total_count": .int(Int64(matching.count)),
            "total_pages": .int(Int64((matching.count + perPage - 1) / perPage)),
        ])
    }

    func authorize(_ request: Request) throws {
        guard request.headers[.authorization] == "Bearer \(token)" else {
            throw FakeError(.unauthorized, "Invalid or expired token")
        }
    }

    func download(_ id: String, request: Request) throws -> Response {
        guard let table = tables[id] else { throw FakeError(.notFound, "Table '\(id)' not found") }
        let range = request.headers[.range]
        log.append("download \(id)" + (range.map { " \($0)" } ?? ""))
        let failure = nextFailure(id)
        if case .status(let code)? = failure { throw FakeError(.init(code: code), "injected failure") }
        var data = table.data
        if case .corrupt? = failure { data = Data(data.reversed()) }
        let etag = "\"\(table.hash)\""
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified) }
        var start = 0
        var end = data.count - 1
        var status = HTTPResponse.Status.ok
        if let range, !ignoresRange, range.hasPrefix("bytes="), request.headers[.ifRange].map({ $0 == etag }) ?? true {
            let bounds = range.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
            guard let from = Int(bounds[0]), from < data.count else {
                throw FakeError(.rangeNotSatisfiable, "Range not satisfiable")
            }
            start = from
            if bounds.count > 1, let last = Int(bounds[1]) { end = min(end, last) }
            status = .partialContent
        }
        let slice = data[start...end]
        var headers: HTTPFields = [.eTag: etag, .contentType: "application/octet-stream"]
        headers[.contentLength] = String(slice.count)
        if status == .partialContent { headers[.contentRange] = "bytes \(start)-\(end)/\(data.count)" }
        let cut: Int? = if case .cut(let after)? = failure { after } else { nil }
        let bytes = Data(slice)
        return Response(
            status: status, headers: headers,
            body: ResponseBody { writer in
                if let cut {
                    try await writer.write(ByteBuffer(data: bytes.prefix(cut)))
                    throw FakeError(.internalServerError, "connection cut")  // mid-body: the connection drops
                }
                var offset = 0
                while offset < bytes.count {
                    try await writer.write(ByteBuffer(data: bytes[offset..<min(bytes.count, offset + 65536)]))
                    offset += 65536
                }
                try await writer.finish(nil)
            })
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }

    /// The `file` part of a multipart body: its file name and content.
    static func filePart(of body: Data, contentType: String?) -> (filename: String, content: Data)? {
        guard let contentType, contentType.hasPrefix("multipart/form-data"),
            let boundary = contentType.components(separatedBy: "boundary=").last?.trimmingCharacters(
                in: CharacterSet(charactersIn: "\""))
        else { return nil }
        let delimiter = Data("--\(boundary)".utf8)
        var parts: [Data] = []
        var rest = body[...]
        while let range = rest.range(of: delimiter) {
            parts.append(Data(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        for part in parts.dropFirst() {
            guard let split = part.range(of: Data("\r\n\r\n".utf8)) else { continue }
            let headers = String(decoding: part[..<split.lowerBound], as: UTF8.self)
            guard headers.contains("name=\"file\""),
                let filename = headers.components(separatedBy: "filename=\"").dropFirst().first?
                    .components(separatedBy: "\"").first
            else { continue }
            var content = Data(part[split.upperBound...])
            if content.suffix(2) == Data("\r\n".utf8) { content.removeLast(2) }
            return (filename, content)
        }
        return nil
    }
}

/// Records every request the fake receives, before routing (so a 404 is recorded too).
struct RequestRecorder: RouterMiddleware {
    typealias Context = BasicRequestContext
    let fake: FakeAgnes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        await fake.recordRequest("\(request.method) \(request.uri.path)")
        return try await next(request, context)
    }
}

/// An error the fake answers with in the real server's shape, `{"detail": …}`.
struct FakeError: HTTPResponseError {
    let status: HTTPResponse.Status
    let detail: String

    init(_ status: HTTPResponse.Status, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        FakeAgnes.json(.object(["detail": .string(detail)]), status: status)
    }
}
