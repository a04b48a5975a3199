import DuckDB
import Foundation

/// The REST API's encoding of results: a schema of `TableFieldSchema`s, and rows as `{"f":[{"v":…}]}`
/// where every scalar is a string (INT64 `"12"`, FLOAT64 `"1.5"` / `"1.0E20"` as Java prints doubles,
/// NUMERIC `"1.25"`, BOOL `"true"`, BYTES base64, DATE `"2024-01-31"`, DATETIME `"2024-01-31T10:00:00"`,
/// TIME `"10:00:00"`, TIMESTAMP seconds since the epoch as a double `"1.7066952E9"`, GEOGRAPHY WKT),
/// NULL is `{"v":null}`, a REPEATED field `{"v":[{"v":…},…]}` (NULL arrays are empty) and a RECORD
/// `{"v":{"f":[…]}}`.
enum RowEncoding {
    /// The BigQuery field of a DuckDB result column. DECIMAL(38,s) is NUMERIC (s ≤ 9) or BIGNUMERIC, other
    /// DECIMALs are literals, which GoogleSQL types FLOAT64; a VARCHAR column named like a GEOGRAPHY
    /// column of a table the query read is GEOGRAPHY.
    static func field(name: String, type: DuckDBType, geography: Set<String>) -> FakeBigQueryField {
        switch type {
        case .list(let child), .array(let child, _):
            var field = field(name: name, type: child, geography: geography)
            field.mode = .repeated
            return field
        case .structure(let members):
            return FakeBigQueryField(
                name, .record, fields: members.map { field(name: $0.name, type: $0.type, geography: geography) })
        default:
            return FakeBigQueryField(name, scalarType(type, isGeography: geography.contains(name.lowercased())))
        }
    }

    private static func scalarType(_ type: DuckDBType, isGeography: Bool) -> FakeBigQueryField.FieldType {
        switch type {
        case .tinyint, .smallint, .integer, .bigint, .hugeint, .utinyint, .usmallint, .uinteger, .ubigint, .uhugeint,
            .null:
            .int64
        case .float, .double: .float64
        case .decimal(let width, let scale): width < 38 ? .float64 : scale <= 9 ? .numeric : .bigNumeric
        case .boolean: .bool
        case .blob: .bytes
        case .date: .date
        case .time, .timeNS: .time
        case .timestamp, .timestampS, .timestampMS, .timestampNS: .dateTime
        case .timestampTZ: .timestamp
        case .interval: .interval
        case .varchar: isGeography ? .geography : .string
        default: .string
        }
    }

    /// A `TableFieldSchema`.
    static func schema(_ field: FakeBigQueryField) -> [String: Any] {
        var schema: [String: Any] = ["name": field.name, "type": field.type.apiName, "mode": field.mode.rawValue]
        if !field.fields.isEmpty { schema["fields"] = field.fields.map(Self.schema) }
        if let description = field.description { schema["description"] = description }
        return schema
    }

    /// How TIMESTAMPs are written (`DataFormatOptions`): seconds as a double (the default), microseconds
    /// as an integer (`useInt64Timestamp`, `timestampOutputFormat: INT64`), or ISO 8601 text in UTC.
    enum TimestampFormat {
        case float64, int64, iso8601

        /// From `useInt64Timestamp` and `timestampOutputFormat`.
        init(useInt64Timestamp: Bool?, outputFormat: String?) {
            switch outputFormat {
            case "INT64": self = .int64
            case "ISO8601_STRING": self = .iso8601
            case "FLOAT64": self = .float64
            default: self = useInt64Timestamp == true ? .int64 : .float64
            }
        }
    }

    /// A `TableRow`.
    static func row(_ values: [DuckDBValue], _ fields: [FakeBigQueryField], timestamps: TimestampFormat = .float64)
        -> [String: Any]
    {
        ["f": zip(values, fields).map { ["v": cell($0, $1, timestamps: timestamps)] }]
    }

    /// The `v` of a cell.
    static func cell(_ value: DuckDBValue, _ field: FakeBigQueryField, timestamps: TimestampFormat) -> Any {
        if field.mode == .repeated {
            var element = field
            element.mode = .nullable
            return (value.elements ?? []).map { ["v": cell($0, element, timestamps: timestamps)] }
        }
        switch value {
        case .null:
            return NSNull()
        case .structure(let members):
            return ["f": zip(members, field.fields).map { ["v": cell($0.value, $1, timestamps: timestamps)] }]
        case .boolean(let flag):
            return flag ? "true" : "false"
        case .float(let number):
            return javaDouble(Double(number))
        case .double(let number):
            return javaDouble(number)
        case .decimal(let decimal):
            return field.type == .float64 ? javaDouble(decimal.doubleValue) : trimmed(decimal.description)
        case .blob(let bytes):
            return Data(bytes).base64EncodedString()
        case .timestamp(let timestamp):
            return timestamp.isoString
        case .timestampTZ(let timestamp):
            switch timestamps {
            case .float64: return javaDouble(Double(timestamp.micros) / 1_000_000)
            case .int64: return String(timestamp.micros)
            case .iso8601: return DuckDBTimestamp(timestamp.micros).isoString + "Z"
            }
        case .interval(let interval):
            return canonical(interval)
        default:
            return value.description
        }
    }

    /// A double as Java's `Double.toString` writes it, which is how the API writes FLOAT64 and
    /// TIMESTAMP: plain between 10⁻³ and 10⁷ with at least one fraction digit (`100.0`), else
    /// `d.dddE±n` (`1.7066952E9`, `1.0E-5`).
    static func javaDouble(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        if number == 0 { return number.sign == .minus ? "-0.0" : "0.0" }
        // Swift prints the shortest digits that round-trip; take them and their decimal exponent.
        let parts = "\(number.magnitude)".lowercased().split(separator: "e")
        let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(mantissa[0]) + (mantissa.count > 1 ? String(mantissa[1]) : "")
        var exponent = (parts.count > 1 ? Int(parts[1])! : 0) + mantissa[0].count - 1
        while digits.count > 1, digits.hasPrefix("0") {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
        let sign = number < 0 ? "-" : ""
        guard number.magnitude >= 1e-3, number.magnitude < 1e7 else {
            let rest = digits.dropFirst()
            return sign + String(digits.prefix(1)) + "." + (rest.isEmpty ? "0" : rest) + "E\(exponent)"
        }
        if exponent < 0 { return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits }
        let whole = digits.padding(toLength: max(digits.count, exponent + 1), withPad: "0", startingAt: 0)
        let fraction = whole.dropFirst(exponent + 1)
        return sign + whole.prefix(exponent + 1) + "." + (fraction.isEmpty ? "0" : fraction)
    }

    /// A NUMERIC without the trailing zeros of its scale: `1.250000000` is `1.25`, `12.000000000` `12`.
    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var text = text
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// An INTERVAL in GoogleSQL's canonical `Y-M D H:M:S[.F]`.
    private static func canonical(_ interval: DuckDBInterval) -> String {
        let seconds = interval.micros.magnitude / 1_000_000
        var text = "\(interval.months / 12)-\(abs(interval.months % 12)) \(interval.days) "
        text += "\(interval.micros < 0 ? "-" : "")\(seconds / 3600):\(seconds % 3600 / 60):\(seconds % 60)"
        let fraction = interval.micros.magnitude % 1_000_000
        return fraction == 0 ? text : text + "." + trimmed("0.\(String(fraction).leftPadded(6))").dropFirst(2)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
