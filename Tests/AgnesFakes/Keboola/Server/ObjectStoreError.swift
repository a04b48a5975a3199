import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Error answers in each object store's own format: S3's XML `<Error>` document, the GCS JSON API's
/// `{"error":{code,message,errors}}` and its XML API's `<Error>`, Azure's XML `<Error>` with
/// `x-ms-error-code`.
enum ObjectStoreError {
    static func s3(_ rejection: SigV4Rejection) -> Response {
        s3(status: rejection.status, code: rejection.code, message: rejection.message, details: rejection.details)
    }

    static func s3(
        status: Int, code: String, message: String, details: [String: String] = [:], headers: HTTPFields = [:]
    )
        -> Response
    {
        var elements = [("Code", code), ("Message", message)]
        elements += details.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        elements += [("RequestId", requestID()), ("HostId", KeboolaState.random(56))]
        return xml(status: status, elements: elements, headers: headers)
    }

    static func gcsJSON(status: Int, message: String, reason: String, headers: HTTPFields = [:]) -> Response {
        var error: [String: Any] = ["message": message, "domain": "global", "reason": reason]
        if status == 401 {
            error["locationType"] = "header"
            error["location"] = "Authorization"
        }
        return KeboolaJSON.response(
            ["error": ["code": status, "message": message, "errors": [error]]], status: status, headers: headers)
    }

    static func gcsXML(status: Int, code: String, message: String, headers: HTTPFields = [:]) -> Response {
        xml(status: status, elements: [("Code", code), ("Message", message)], headers: headers)
    }

    static func azure(status: Int, code: String, message: String, detail: String?, headers: HTTPFields = [:])
        -> Response
    {
        var headers = headers
        headers[HTTPField.Name("x-ms-error-code")!] = code
        var elements = [
            ("Code", code), ("Message", "\(message)\nRequestId:\(requestID())\nTime:\(Date().formatted(.iso8601))"),
        ]
        if let detail { elements.append(("AuthenticationErrorDetail", detail)) }
        return xml(status: status, elements: elements, headers: headers)
    }

    /// An injected status in the format of the store the route belongs to.
    static func injected(status: Int, route: KeboolaRoute, headers: HTTPFields) -> Response {
        let reason = HTTPResponse.Status(code: status).reasonPhrase
        switch route {
        case .gcsJSON: return gcsJSON(status: status, message: reason, reason: "backendError", headers: headers)
        case .gcsXML: return gcsXML(status: status, code: "InternalError", message: reason, headers: headers)
        case .azure:
            let code = status == 503 ? "ServerBusy" : "InternalError"
            return azure(status: status, code: code, message: reason, detail: nil, headers: headers)
        default:
            let code =
                switch status {
                case 429, 503: "SlowDown"
                case 403: "AccessDenied"
                case 404: "NoSuchKey"
                default: "InternalError"
                }
            return s3(status: status, code: code, message: reason, headers: headers)
        }
    }

    private static func xml(status: Int, elements: [(String, String)], headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/xml"
        let body =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
            + elements.map { "<\($0.0)>\(escaped($0.1))</\($0.0)>" }.joined() + "</Error>"
        return Response(
            status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func requestID() -> String {
        KeboolaState.random(16, alphabet: "0123456789ABCDEF")
    }
}
