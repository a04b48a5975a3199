import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The Storage API's JSON answers.
enum KeboolaJSON {
    /// `object` serialized as a JSON response.
    static func response(_ object: Any, status: Int = 200, headers: HTTPFields = [:]) -> Response {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The error envelope `{"error","code","status":"error","exceptionId"}` (research §1.3).
    static func error(_ error: KeboolaAPIError, headers: HTTPFields = [:]) -> Response {
        response(envelope(error), status: error.status, headers: headers)
    }

    static func envelope(_ error: KeboolaAPIError) -> [String: Any] {
        ["error": error.message, "code": error.code, "status": "error", "exceptionId": exceptionID()]
    }

    /// `exception-<32 hex>`.
    static func exceptionID() -> String {
        "exception-" + KeboolaState.random(32, alphabet: "0123456789abcdef")
    }

    /// A date or JSON null.
    static func date(_ date: Date?) -> Any {
        date.map { KeboolaDate.storage($0) as Any } ?? NSNull()
    }

    /// PHP's rendering of a map: `[]` when empty.
    static func phpMap(_ map: [String: Any]) -> Any {
        map.isEmpty ? [Any]() : map
    }
}
