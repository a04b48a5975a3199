/// A value in a row of a ``FakeBigQuery`` table, written with literals:
/// `[1, "Ada", 1.5, true, nil, ["a", "b"], .record(["Prague", "11000"])]`.
///
/// Values are read by the column's type: text works for every scalar type ("1.25" for NUMERIC,
/// "2024-01-31" for DATE, "2024-01-31T10:00:00" for DATETIME, "10:00:00" for TIME, "2024-01-31
/// 10:00:00+00" for TIMESTAMP (UTC without an offset), WKT for GEOGRAPHY, the UTF-8 bytes for BYTES); a
/// number given for a TIMESTAMP is seconds since the epoch.
public enum FakeBigQueryValue: Sendable, Hashable {
    case null
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case bytes([UInt8])
    /// The elements of a REPEATED field.
    case array([FakeBigQueryValue])
    /// The members of a RECORD, in the order of its fields.
    case record([FakeBigQueryValue])
}

extension FakeBigQueryValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: FakeBigQueryValue...) { self = .array(elements) }
}
