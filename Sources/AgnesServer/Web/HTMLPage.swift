import Crypto
import Foundation
import Hummingbird
import NIOCore

/// Minimal server-rendered pages for the sign-in flows. Every interpolated value goes through
/// ``escape(_:)``.
///
/// ```swift
/// return HTMLPage(title: "Check your email", body: "<p>\(HTMLPage.escape(message))</p>").response()
/// ```
struct HTMLPage {
    let title: String
    let body: String
    /// A script of the page's own (static text, never user data); allowed by its hash in the policy.
    var script: String?

    init(title: String, body: String, script: String? = nil) {
        self.title = title
        self.body = body
        self.script = script
    }

    static let style = """
        body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#1d1d1f}
        h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box}
        button,.button{margin-top:1rem;padding:.55rem 1rem;display:inline-block}.error{color:#b00020}.note{color:#555}
        """

    /// `'sha256-…'`: a CSP source allowing exactly this inline text.
    static func hashSource(_ text: String) -> String {
        "'sha256-\(Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString())'"
    }

    static let styleSource = hashSource(style)

    /// The page's Content-Security-Policy: nothing loads or runs but its own style and script, forms
    /// post only to this server, and no other site may frame it.
    var contentSecurityPolicy: String {
        let scripts = script.map { "script-src \(Self.hashSource($0)); connect-src 'self'; " } ?? ""
        return "default-src 'none'; style-src \(Self.styleSource); \(scripts)img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
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
        <style>\(Self.style)</style></head>
        <body><h1>\(Self.escape(title))</h1>
        \(body)\(script.map { "<script>\($0)</script>" } ?? "")
        </body></html>
        """
    }

    /// A `text/html` response with the page's policy; pages of the sign-in flows are never cached.
    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: contentSecurityPolicy,
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
