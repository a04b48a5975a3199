import Foundation

extension DuckDBValue {
    /// True for SQL NULL.
    public var isNull: Bool { self == .null }

    /// The text of a VARCHAR or ENUM value; nil otherwise.
    public var string: String? {
        switch self {
        case .varchar(let text), .enumeration(let text): text
        default: nil
        }
    }

    /// Any integer value that fits an `Int64`; nil otherwise.
    public var int64: Int64? {
        switch self {
        case .tinyint(let v): Int64(v)
        case .smallint(let v): Int64(v)
        case .integer(let v): Int64(v)
        case .bigint(let v): v
        case .hugeint(let v): Int64(exactly: v.value)
        case .utinyint(let v): Int64(v)
        case .usmallint(let v): Int64(v)
        case .uinteger(let v): Int64(v)
        case .ubigint(let v): Int64(exactly: v)
        case .uhugeint(let v): Int64(exactly: v.value)
        case .decimal(let d) where d.scale == 0: Int64(exactly: d.unscaled)
        default: nil
        }
    }

    /// Any integer value as `Int`.
    public var int: Int? { int64.flatMap { Int(exactly: $0) } }

    /// Any numeric value as a `Double`.
    public var double: Double? {
        switch self {
        case .float(let v): Double(v)
        case .double(let v): v
        case .decimal(let d): d.doubleValue
        case .hugeint(let v): Double(v.value)
        case .uhugeint(let v): Double(v.value)
        default: int64.map(Double.init)
        }
    }

    /// A BOOLEAN value.
    public var bool: Bool? {
        if case .boolean(let v) = self { return v }
        return nil
    }

    /// A TIMESTAMP (any precision or with time zone) or DATE as a Foundation date.
    public var date: Date? {
        switch self {
        case .timestamp(let t), .timestampTZ(let t): t.isInfinite ? nil : t.date
        case .date(let d): Date(timeIntervalSince1970: Double(d.days) * 86_400)
        default: nil
        }
    }

    /// A BLOB's bytes.
    public var bytes: [UInt8]? {
        if case .blob(let v) = self { return v }
        return nil
    }

    /// The elements of a LIST or ARRAY.
    public var elements: [DuckDBValue]? {
        switch self {
        case .list(let v), .array(let v): v
        default: nil
        }
    }
}

extension DuckDBValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .varchar(value) }
    public init(integerLiteral value: Int64) { self = .bigint(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension DuckDBValue {
    /// A VARCHAR, or NULL when `text` is nil.
    public static func optional(_ text: String?) -> DuckDBValue { text.map { .varchar($0) } ?? .null }
    /// A BIGINT, or NULL when `number` is nil.
    public static func optional(_ number: Int?) -> DuckDBValue { number.map { .bigint(Int64($0)) } ?? .null }
    /// A DOUBLE, or NULL when `number` is nil.
    public static func optional(_ number: Double?) -> DuckDBValue { number.map { .double($0) } ?? .null }
    /// A BOOLEAN, or NULL when `flag` is nil.
    public static func optional(_ flag: Bool?) -> DuckDBValue { flag.map { .boolean($0) } ?? .null }
    /// A TIMESTAMP (microseconds), or NULL when `date` is nil.
    public static func optional(_ date: Date?) -> DuckDBValue { date.map { .timestamp(DuckDBTimestamp($0)) } ?? .null }
}
