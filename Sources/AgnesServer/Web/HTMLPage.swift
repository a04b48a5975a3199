import Crypto
import Foundation
import Hummingbird
import NIOCore

/// The pages of the sign-in flows (sign-in, password setup and reset, e-mailed links), in the web UI's
/// look: the same stylesheet and script, a narrow column, no navigation. Every interpolated value goes
/// through ``escape(_:)``; the policy is the web UI's (nothing inline runs).
///
/// ```swift
/// return HTMLPage(title: "Check your email", body: "<p>\(HTMLPage.escape(message))</p>").response()
/// ```
struct HTMLPage {
    let title: String
    let body: String

    init(title: String, body: String) {
        self.title = title
        self.body = body
    }

    /// `'sha256-…'`: a CSP source allowing exactly this inline text.
    static func hashSource(_ text: String) -> String {
        "'sha256-\(Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString())'"
    }

    /// Escapes text for an HTML element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The complete document.
    var html: String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title)) · Agnes</title>
        <link rel="stylesheet" href="\(WebAssets.stylesheetPath)"><script src="\(WebAssets.scriptPath)" defer></script></head>
        <body><header><a class="brand" href="/">Agnes</a></header>
        <main id="main" class="narrow"><h1>\(Self.escape(title))</h1>
        \(body)
        </main></body></html>
        """
    }

    /// A `text/html` response with the web UI's policy; pages of the sign-in flows are never cached.
    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: WebPage.contentSecurityPolicy,
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A paragraph for an error message, or nothing.
    static func error(_ message: String?) -> String {
        message.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? ""
    }

    /// A hidden form field.
    static func hidden(_ name: String, _ value: String) -> String {
        "<input type=\"hidden\" name=\"\(escape(name))\" value=\"\(escape(value))\">"
    }
}
