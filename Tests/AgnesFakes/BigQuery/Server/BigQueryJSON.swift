import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The fake's JSON and text answers.
enum BigQueryJSON {
    /// `object` serialized as a JSON response, with Google's `application/json; charset=UTF-8`.
    static func response(_ object: Any, status: Int = 200, headers: HTTPFields = [:]) -> Response {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        var headers = headers
        headers[.contentType] = "application/json; charset=UTF-8"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A plain-text response.
    static func text(_ text: String, status: Int = 200, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(
            status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The JSON object of a request body, empty when there is none or it is not an object.
    static func object(_ body: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    /// An integer field sent as a number or as a string (int64 fields are strings in Google's JSON).
    static func int(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: number.intValue
        case let text as String: Int(text)
        default: nil
        }
    }

    /// A boolean field sent as a JSON boolean or as text.
    static func bool(_ value: Any?) -> Bool? {
        switch value {
        case let text as String: text == "true" ? true : text == "false" ? false : nil
        case let number as NSNumber: number.boolValue
        default: nil
        }
    }

    /// An opaque page token for position `offset`, URL-safe base64.
    static func pageToken(_ offset: Int, scope: String) -> String {
        Data("\(scope)|\(offset)".utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The position a page token stands for, nil when it was not issued for `scope`.
    static func offset(of token: String, scope: String) -> Int? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            let bar = text.lastIndex(of: "|"), text[..<bar] == scope
        else { return nil }
        return Int(text[text.index(after: bar)...])
    }
}
