import HTTPTypes
import Hummingbird
import NIOCore

/// Reads a `multipart/form-data` request body part by part, pulling bytes from the request as the
/// caller asks for them: a file part streams through in the chunks it arrived in, and nothing but the
/// part being read is held in memory.
///
/// Every byte pulled from the request counts against `maximumBodyBytes`; past it the reader throws the
/// `tooLarge` error it was given, so skipping fields cannot be used to make the server read forever.
///
/// ```swift
/// var form = try MultipartFormReader(request, maximumBodyBytes: limit, tooLarge: APIError(.contentTooLarge, "…"))
/// while let part = try await form.nextPart() {
///     guard part.name == "file" else { continue }  // an unread part is skipped
///     while let chunk = try await form.nextChunk() { … }
/// }
/// ```
struct MultipartFormReader {
    /// Bytes a form may spend on anything but the part a route reads (boundaries, headers, other
    /// fields); routes add it to their own limit to get `maximumBodyBytes`.
    static let overheadBytes = 1024 * 1024

    private var body: RequestBody.AsyncIterator
    private var parser: MultipartParser
    private var isInPart = false
    private var bytesRead = 0
    private let maximumBodyBytes: Int
    private let tooLarge: APIError

    /// Prepares to read `request`'s body; 422 `field required: <field>` when the request is not
    /// `multipart/form-data` (what a form-parsing server answers when the field it needs is absent), 400
    /// when its boundary is missing or unusable.
    init(_ request: Request, field: String, maximumBodyBytes: Int, tooLarge: APIError) throws(APIError) {
        let contentType = HeaderValue(request.headers[.contentType] ?? "")
        guard contentType.value == "multipart/form-data" else { throw Self.missingField(field) }
        guard let boundary = contentType.parameters["boundary"], !boundary.isEmpty,
            boundary.utf8.count <= MultipartParser.maximumBoundaryLength
        else {
            throw Self.malformed("the Content-Type has no usable boundary")
        }
        if let declared = request.declaredContentLength, declared > maximumBodyBytes { throw tooLarge }
        self.body = request.body.makeAsyncIterator()
        self.parser = MultipartParser(boundary: boundary)
        self.maximumBodyBytes = maximumBodyBytes
        self.tooLarge = tooLarge
    }

    /// The head of the next part, skipping whatever is left of the current one; nil after the last part.
    mutating func nextPart() async throws -> MultipartPartHead? {
        while true {
            guard let event = try await nextEvent() else { return nil }
            switch event {
            case .partBegan(let head):
                isInPart = true
                return head
            case .body:
                continue
            case .partEnded:
                isInPart = false
            }
        }
    }

    /// The next bytes of the current part's body; nil at its end (or when no part is open).
    mutating func nextChunk() async throws -> ByteBuffer? {
        guard isInPart else { return nil }
        guard let event = try await nextEvent() else { return nil }
        switch event {
        case .body(let bytes):
            return bytes
        case .partEnded:
            isInPart = false
            return nil
        case .partBegan:
            // A part cannot start before the current one has ended.
            throw Self.malformed("a part started inside another part")
        }
    }

    /// The rest of the current part's body in one buffer; `tooLarge` past `limit` bytes.
    mutating func collectPart(upTo limit: Int) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        while var chunk = try await nextChunk() {
            guard collected.readableBytes + chunk.readableBytes <= limit else { throw tooLarge }
            collected.writeBuffer(&chunk)
        }
        return collected
    }

    /// The next parser event, pulling more of the request body as needed; nil at the end of the form.
    private mutating func nextEvent() async throws -> MultipartParser.Event? {
        while true {
            if let event = try parser.next() { return event }
            if parser.isComplete { return nil }
            guard let chunk = try await body.next() else {
                throw Self.malformed("the body ended before the closing boundary")
            }
            bytesRead += chunk.readableBytes
            guard bytesRead <= maximumBodyBytes else { throw tooLarge }
            parser.append(chunk)
        }
    }

    /// 400 for a body that is not well-formed multipart.
    static func malformed(_ reason: String) -> APIError {
        APIError(.badRequest, "Invalid multipart body: \(reason)")
    }

    /// 422 for a form without the field a route needs.
    static func missingField(_ field: String) -> APIError {
        APIError(.unprocessableContent, "field required: \(field)")
    }
}
