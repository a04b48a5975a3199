import Foundation

/// An email address as admins enter it for a new account: surrounding whitespace trimmed and the whole
/// address lowercased (so `Ana@Example.com ` and `ana@example.com` cannot become two accounts), with
/// exactly one `@`, a non-empty local part, a domain of non-empty dot-separated labels, no whitespace
/// or control characters, and at most 320 characters. Deliberately not RFC 5322: quoted local parts
/// and IP-literal domains are refused; dotless domains (`dev@localhost`) are allowed.
///
/// ```swift
/// EmailAddress(normalizing: " Ana@Example.COM ")?.rawValue  // "ana@example.com"
/// EmailAddress(normalizing: "not an email")                 // nil
/// ```
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The normalised address.
    public let rawValue: String

    /// Normalises and checks `text`; nil when it is not an acceptable address.
    public init?(normalizing text: String) {
        let address = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard address.count <= 320,
            !address.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F
            })
        else { return nil }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            parts[1].split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty })
        else { return nil }
        rawValue = address
    }

    public var description: String { rawValue }
}
