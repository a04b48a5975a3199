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
    /// Extra headers (e.g. `Retry-After`).
    public let headers: HTTPFields

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONBody.response(status: status, object: ["detail": detail], headers: headers)
    }

    /// 404 with the given detail.
    public static func notFound(_ detail: String = "Not Found") -> APIError { APIError(.notFound, detail) }
    /// 400 with the given detail.
    public static func badRequest(_ detail: String) -> APIError { APIError(.badRequest, detail) }
}

/// JSON responses built from `Encodable` values.
enum JSONBody {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func response(status: HTTPResponse.Status = .ok, object: some Encodable, headers: HTTPFields = [:])
        -> Response
    {
        let data = (try? encoder.encode(object)) ?? Data(#"{"detail":"Internal server error"}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
