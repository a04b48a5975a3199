import Foundation

/// One DuckDB value, typed. Used both for bound parameters and for values read from results.
///
/// ```swift
/// try connection.run("INSERT INTO t VALUES (?, ?, ?)", [.varchar("a"), .bigint(42), .null])
/// let email = result.rows[0][0].string
/// ```
public enum DuckDBValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case tinyint(Int8)
    case smallint(Int16)
    case integer(Int32)
    case bigint(Int64)
    case hugeint(DuckDBHugeInt)
    case utinyint(UInt8)
    case usmallint(UInt16)
    case uinteger(UInt32)
    case ubigint(UInt64)
    case uhugeint(DuckDBUHugeInt)
    case float(Float)
    case double(Double)
    case decimal(DuckDBDecimal)
    case varchar(String)
    case blob([UInt8])
    case date(DuckDBDate)
    case time(DuckDBTime)
    case timeTZ(DuckDBTimeTZ)
    case timestamp(DuckDBTimestamp)
    case timestampTZ(DuckDBTimestamp)
    case interval(DuckDBInterval)
    case uuid(UUID)
    case enumeration(String)
    case list([DuckDBValue])
    case array([DuckDBValue])
    case structure([StructField])
    case map([MapEntry])

    /// One member of a STRUCT value, in declaration order.
    public struct StructField: Sendable, Hashable {
        /// The member name.
        public let name: String
        /// The member value.
        public let value: DuckDBValue
        /// Creates a member.
        public init(_ name: String, _ value: DuckDBValue) {
            self.name = name
            self.value = value
        }
    }

    /// One entry of a MAP value, in stored order.
    public struct MapEntry: Sendable, Hashable {
        /// The key.
        public let key: DuckDBValue
        /// The value.
        public let value: DuckDBValue
        /// Creates an entry.
        public init(_ key: DuckDBValue, _ value: DuckDBValue) {
            self.key = key
            self.value = value
        }
    }
}

/// A DECIMAL value: an unscaled integer with its width and scale.
public struct DuckDBDecimal: Sendable, Hashable, CustomStringConvertible {
    /// The unscaled value (`12.34` with scale 2 is 1234).
    public var unscaled: Int128 {
        get { storage.value }
        set { storage = DuckDBHugeInt(newValue) }
    }
    private var storage: DuckDBHugeInt
    /// Total digits (1–38).
    public var width: UInt8
    /// Digits after the point.
    public var scale: UInt8

    /// Wraps the parts.
    public init(unscaled: Int128, width: UInt8, scale: UInt8) {
        self.storage = DuckDBHugeInt(unscaled)
        self.width = width
        self.scale = scale
    }

    /// Parses text like `-12.340` into a decimal of the given width (scale from the text).
    public init?(_ text: String, width: UInt8 = 38) {
        var body = Substring(text)
        let isNegative = body.hasPrefix("-")
        if isNegative || body.hasPrefix("+") { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !(parts[0].isEmpty && (parts.count == 1 || parts[1].isEmpty)) else {
            return nil
        }
        let digits = parts[0] + (parts.count == 2 ? parts[1] : "")
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let magnitude = Int128(String(digits)) else {
            return nil
        }
        self.storage = DuckDBHugeInt(isNegative ? -magnitude : magnitude)
        self.scale = UInt8(parts.count == 2 ? parts[1].count : 0)
        self.width = max(width, self.scale)
    }

    /// Exact text, e.g. `-12.340`.
    public var description: String {
        let magnitude = unscaled.magnitude
        var digits = String(magnitude)
        let scale = Int(self.scale)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return (unscaled < 0 ? "-" : "") + digits
    }

    /// The nearest Double.
    public var doubleValue: Double { Double(unscaled) / pow(10, Double(scale)) }
}
