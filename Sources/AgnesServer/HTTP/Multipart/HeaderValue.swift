import Foundation

/// A header value with parameters, such as `form-data; name="file"; filename="a.txt"` or
/// `multipart/form-data; boundary=xyz` (RFC 9110 §5.6.6): the leading value and its parameters, with
/// quoted strings unquoted. Parameter names are lower-cased; a repeated parameter keeps its first value.
///
/// ```swift
/// let value = HeaderValue(#"form-data; name="file"; filename="q1 \"final\".csv""#)
/// value.value                    // "form-data"
/// value.parameters["filename"]  // #"q1 "final".csv"#
/// ```
struct HeaderValue: Sendable, Equatable {
    /// The value before the first `;`, trimmed and lower-cased.
    let value: String
    /// The parameters by lower-cased name.
    let parameters: [String: String]

    /// Parses a header value; never fails (malformed parameters are skipped).
    init(_ text: String) {
        let segments = Self.segments(of: text)
        value = segments.first.map { Self.trimmed($0).lowercased() } ?? ""
        var parameters: [String: String] = [:]
        for segment in segments.dropFirst() {
            guard let equals = segment.firstIndex(of: "=") else { continue }
            let name = Self.trimmed(segment[..<equals]).lowercased()
            guard !name.isEmpty, parameters[name] == nil else { continue }
            parameters[name] = Self.unquoted(Self.trimmed(segment[segment.index(after: equals)...]))
        }
        self.parameters = parameters
    }

    /// The `;`-separated segments, ignoring separators inside quoted strings.
    private static func segments(of text: String) -> [Substring] {
        var segments: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        var isQuoted = false
        while index < text.endIndex {
            let character = text[index]
            if isQuoted, character == "\\" {
                index = text.index(after: index)
                if index < text.endIndex { index = text.index(after: index) }
                continue
            }
            if character == "\"" {
                isQuoted.toggle()
            } else if character == ";", !isQuoted {
                segments.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        segments.append(text[start...])
        return segments
    }

    /// A quoted string without its quotes, with `\"` and `\\` unescaped; other text unchanged. Any
    /// other backslash is kept, as form parsers do, because old browsers send Windows paths unescaped
    /// (`"C:\Users\ana\r.html"`).
    private static func unquoted(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        var result = ""
        var characters = text.dropFirst().dropLast()[...]
        while let character = characters.popFirst() {
            if character == "\\", let next = characters.first, next == "\"" || next == "\\" {
                result.append(next)
                characters.removeFirst()
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func trimmed(_ text: some StringProtocol) -> String {
        String(text).trimmingCharacters(in: [" ", "\t"])
    }
}
