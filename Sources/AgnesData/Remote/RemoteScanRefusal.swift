import Foundation

/// A source's refusal of a scan for a reason the caller can act on (it would scan more bytes than the
/// limit, a quota is spent), carried out of DuckDB intact so that the API answers with its status and
/// a structured `detail` (`{reason, …}`), not a flattened query error.
public struct RemoteScanRefusal: Error, Sendable, Hashable, Encodable, CustomStringConvertible {
    /// The HTTP status it means (400 too large, 429 a quota).
    public var status: Int
    /// `remote_scan_too_large`, `daily_byte_cap_exceeded`, …
    public var reason: String
    /// A sentence for the person who wrote the query.
    public var message: String
    /// Figures (`scan_bytes`, `limit_bytes`, …).
    public var numbers: [String: Int64]
    /// Words (`suggestion`, …).
    public var texts: [String: String]
    /// Lists (`tables`, …).
    public var lists: [String: [String]]

    public init(
        status: Int, reason: String, message: String, numbers: [String: Int64] = [:], texts: [String: String] = [:],
        lists: [String: [String]] = [:]
    ) {
        self.status = status
        self.reason = reason
        self.message = message
        self.numbers = numbers
        self.texts = texts
        self.lists = lists
    }

    public var description: String { message }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// `{"reason": …, <numbers>, <texts>, <lists>, "message": …}`, keys sorted within each group.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(reason, forKey: Key("reason"))
        for (key, value) in numbers.sorted(by: { $0.key < $1.key }) { try container.encode(value, forKey: Key(key)) }
        for (key, value) in lists.sorted(by: { $0.key < $1.key }) { try container.encode(value, forKey: Key(key)) }
        for (key, value) in texts.sorted(by: { $0.key < $1.key }) { try container.encode(value, forKey: Key(key)) }
        try container.encode(message, forKey: Key("message"))
    }
}
