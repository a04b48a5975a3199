import Foundation

/// Strong entity tags of published files: the content MD5, quoted (`"<md5>"`).
enum EntityTag {
    /// The `ETag` header value for a content hash.
    static func header(for md5: String) -> String { "\"\(md5)\"" }

    /// True when an `If-None-Match` or `If-Range` value names `md5`: `*`, or any listed tag, weak or
    /// strong, quoted or (as some clients send it) bare.
    static func matches(_ header: String?, md5: String, allowsWildcard: Bool = true) -> Bool {
        guard let header else { return false }
        for candidate in header.split(separator: ",") {
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { if allowsWildcard { return true } else { continue } }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") { tag = String(tag.dropFirst().dropLast()) }
            if tag == md5 { return true }
        }
        return false
    }
}
