import AgnesAuth
import AgnesCore
import AgnesData
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What analysts' clients sync from (REFERENCE §1.4–1.5): the manifest of readable tables and the
/// download of each table's published file.
///
/// Both answer from the current analytics generation: the manifest's `hash` is the content MD5 of
/// exactly the file a download of that table streams (its immutable version), so `agnes pull` can
/// verify what it received. Unlike the original (§1.5 flaw), the manifest key, the grant and the
/// download path are one table id, so no table is listed that then refuses to download.
struct DataRoutes {
    let services: AgnesServices
    static let fileIO = FileIO()

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/sync/manifest") { request, context in
            try await manifest(request, context)
        }
        router.get("/api/data/:table_id/download") { request, context in
            try await download(request, context)
        }
        router.head("/api/data/:table_id/download") { request, context in
            try await download(request, context, headOnly: true)
        }
    }

    /// 404 for a table that is served without a file of its own (a remote table).
    static func noLocalData(_ tableID: String, queryMode: String) -> APIError {
        APIError.notFound("Table '\(tableID)' has no local data to download (query mode \(queryMode))")
    }

    /// `^[a-zA-Z0-9_][a-zA-Z0-9_.\-]{0,127}$`, the path syntax of the original.
    static func isWellFormed(_ tableID: String) -> Bool {
        let bytes = Array(tableID.utf8)
        guard (1...128).contains(bytes.count) else { return false }
        func isWord(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F
        }
        return isWord(bytes[0]) && bytes.dropFirst().allSatisfy { isWord($0) || $0 == 0x2E || $0 == 0x2D }
    }

    func manifest(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let readable = try await services.access.readableTables(caller)
        let entries = try await services.manifest.entries()
        var body = Data(#"{"tables":{"#.utf8)
        var first = true
        for entry in entries where readable?.contains(entry.id) ?? true {
            if !first { body.append(UInt8(ascii: ",")) }
            body.append(await services.manifest.resolved(entry, logger: services.logger))
            first = false
        }
        body.append(contentsOf: Array(#"},"assets":"#.utf8))
        body.append(try JSONBody.encoder.encode(ManifestAssets.current(layout: services.layout)))
        body.append(contentsOf: Array(#","server_time":"#.utf8))
        body.append(try JSONBody.encoder.encode(Date().wireText))
        body.append(UInt8(ascii: "}"))
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    func download(_ request: Request, _ context: AgnesRequestContext, headOnly: Bool = false) async throws
        -> Response
    {
        let tableID = context.parameters.get("table_id") ?? ""
        guard Self.isWellFormed(tableID) else { throw APIError.notFound("Table not found") }
        let caller = try await services.caller(request, context)
        guard try await services.access.canRead(caller, table: tableID) else {
            throw APIError(.forbidden, "Access denied to this table")
        }
        guard let generation = services.analytics.generation,
            let table = try await generation.servedTables()[tableID]
        else {
            // A registered remote table has no file anywhere: say so rather than "not found".
            if let registered = try await DuckDBTableRegistryRepository(store: services.store).find(id: tableID),
                registered.queryMode == .remote
            {
                throw Self.noLocalData(tableID, queryMode: registered.queryMode.rawValue)
            }
            throw APIError.notFound("Table '\(tableID)' not found")
        }
        guard let download = try await services.manifest.downloads.file(for: table) else {
            throw Self.noLocalData(tableID, queryMode: table.queryMode)
        }
        let (file, md5) = (download.file, download.md5)
        guard let size = ServedFile.size(of: file) else { throw APIError.notFound("Table '\(tableID)' not found") }
        var headers: HTTPFields = [
            .eTag: EntityTag.header(for: md5),
            .acceptRanges: "bytes",
            .cacheControl: "private, no-cache",
            .contentDisposition: "attachment; filename=\"\(tableID).parquet\"",
        ]
        if EntityTag.matches(request.headers[.ifNoneMatch], md5: md5) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/octet-stream"
        var range = ByteRange.parse(request.headers[.range], size: size)
        if let ifRange = request.headers[.ifRange], !EntityTag.matches(ifRange, md5: md5, allowsWildcard: false) {
            range = .whole  // the client's partial copy is of another version: send this one whole
        }
        let status: HTTPResponse.Status
        let bytes: ClosedRange<Int64>?
        switch range {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentType] = "application/json"
            let body = try JSONBody.encoder.encode(["detail": "Range not satisfiable (the file has \(size) bytes)"])
            return Response(
                status: .rangeNotSatisfiable, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        case .whole:
            status = .ok
            bytes = size > 0 ? 0...(size - 1) : nil
        case .part(let part):
            status = .partialContent
            bytes = part
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"
        }
        let length = bytes.map { $0.upperBound - $0.lowerBound + 1 } ?? 0
        headers[.contentLength] = String(length)
        guard let bytes, !headOnly else { return Response(status: status, headers: headers, body: .init()) }
        // 256 KB chunks: each is read and then copied to the socket while it is still in the CPU's cache.
        // With 2 MB chunks the second copy came from memory again: 1.8 GB/s against 2.0–2.6 GB/s here.
        let inner = try await Self.fileIO.loadFile(
            path: file.path, range: Int(bytes.lowerBound)...Int(bytes.upperBound), context: context,
            chunkLength: 256 << 10)
        // The generation stays open until the body is written, which keeps its files from collection.
        let body = ResponseBody(contentLength: Int(length)) { writer in
            try await inner.write(writer)
            withExtendedLifetime((generation, download)) {}
        }
        return Response(status: status, headers: headers, body: body)
    }
}

/// Files on disk.
enum ServedFile {
    static func size(of file: URL) -> Int64? {
        guard let size = try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber else {
            return nil
        }
        return size.int64Value
    }
}
