import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the incoming `x-request-id` when it is 1–64 characters of
/// `[A-Za-z0-9_-]`, else a new 12-hex id. The id is on every response and in every log line.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = AgnesRequestContext

    static let header = HTTPField.Name("x-request-id")!

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let incoming = request.headers[Self.header], Self.isValid(incoming) {
            context.requestID = incoming
        }
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response = try await next(request, context)
        response.headers[Self.header] = context.requestID
        return response
    }

    static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45
                    || byte == 95
            }
    }

    /// 12 lowercase hex digits (48 random bits), written in place: this runs for every request.
    static func newID() -> String {
        var bits = UInt64.random(in: 0..<(1 << 48))
        return String(unsafeUninitializedCapacity: 12) { buffer in
            for index in (0..<12).reversed() {
                let digit = UInt8(truncatingIfNeeded: bits & 0xF)
                buffer[index] = digit < 10 ? 48 + digit : 87 + digit
                bits >>= 4
            }
            return 12
        }
    }
}
