import AgnesCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error that renders itself as `{"detail": …}` with its status, the wire shape existing clients
/// of the original rely on.
public struct APIError: HTTPResponseError, Sendable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// The `detail` value: a string in most cases.
    public let detail: String
    /// The machine-readable code of a structured detail, sent as `{"detail": {code, message}}` with
    /// ``detail`` as the message; nil for a plain string detail.
    public let code: String?
    /// Extra headers (e.g. `Retry-After`).
    public let headers: HTTPFields
    /// A structured `detail` of any JSON shape, sent as `{"detail": <object>}`; nil otherwise.
    public let detailObject: (any Encodable & Sendable)?

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.code = nil
        self.headers = headers
        self.detailObject = nil
    }

    /// Creates an error whose `detail` is `object` as JSON (e.g. `{"error": "quota_exceeded", …}`);
    /// `message` stands for it in logs.
    public init(
        _ status: HTTPResponse.Status, detail object: some Encodable & Sendable, message: String,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.detail = message
        self.code = nil
        self.headers = headers
        self.detailObject = object
    }

    /// Creates an error whose `detail` is the object `{code, message}`.
    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.detail = message
        self.code = code
        self.headers = [:]
        self.detailObject = nil
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        if let detailObject {
            return JSONBody.response(status: status, object: DetailEnvelope(detail: detailObject), headers: headers)
        }
        if let code {
            return JSONBody.response(
                status: status, object: ["detail": ["code": code, "message": detail]], headers: headers)
        }
        return JSONBody.response(status: status, object: ["detail": detail], headers: headers)
    }

    /// 404 with the given detail.
    public static func notFound(_ detail: String = "Not Found") -> APIError { APIError(.notFound, detail) }
    /// 400 with the given detail.
    public static func badRequest(_ detail: String) -> APIError { APIError(.badRequest, detail) }
}

/// `{"detail": <any JSON value>}`.
struct DetailEnvelope: Encodable {
    let detail: any Encodable

    enum CodingKeys: String, CodingKey { case detail }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(detail, forKey: .detail)
    }
}

/// JSON responses built from `Encodable` values.
enum JSONBody {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// A JSON answer whose object members keep the order `object` encodes them in (rows keep the
    /// table's column order); other answers have sorted keys.
    static func orderedResponse(object: some Encodable) -> Response {
        let data = (try? OrderedJSONEncoder().encode(object)) ?? Data(#"{"detail":"Internal server error"}"#.utf8)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func response(status: HTTPResponse.Status = .ok, object: some Encodable, headers: HTTPFields = [:])
        -> Response
    {
        let data = (try? encoder.encode(object)) ?? Data(#"{"detail":"Internal server error"}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
