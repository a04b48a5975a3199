import Foundation

/// A SQL identifier Agnes may put into SQL text: `^[a-zA-Z_][a-zA-Z0-9_]{0,63}$`.
/// Source names, table ids / view names and attach aliases are validated with it before any use.
public struct Identifier: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The validated text.
    public let rawValue: String

    /// Validates `text`; nil when it is not a safe identifier.
    public init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        rawValue = text
    }

    /// True when `text` matches `^[a-zA-Z_][a-zA-Z0-9_]{0,63}$`.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 64 else { return false }
        guard isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// The identifier double-quoted for SQL (validation already excludes quotes).
    public var quoted: String { "\"\(rawValue)\"" }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let identifier = Identifier(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a valid identifier: \(text)"))
        }
        self = identifier
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Derives an identifier from free text (a file name, a display name): lowercased, every other
    /// character replaced by `_`, a leading digit prefixed with `_`, cut to 64 characters.
    public static func derived(from text: String) -> Identifier? {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            let isWord = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)))
            result.append(isWord || scalar == "_" ? Character(scalar) : "_")
        }
        while result.contains("__") { result = result.replacingOccurrences(of: "__", with: "_") }
        result = String(result.drop { $0 == "_" }.reversed().drop { $0 == "_" }.reversed())
        if let first = result.first, first.isNumber { result = "_" + result }
        return Identifier(String(result.prefix(64)))
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
