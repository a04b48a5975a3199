import Foundation

extension KeboolaColumnType {
    /// A Query Service result column's type, from its Snowflake type name: `NUMBER(p,0)` → BIGINT,
    /// `NUMBER(p,s)` → DECIMAL, `FLOAT`/`DOUBLE` → DOUBLE, text → VARCHAR, BOOLEAN, DATE,
    /// `TIMESTAMP_NTZ` → TIMESTAMP, `TIMESTAMP_TZ`/`_LTZ` → TIMESTAMPTZ, anything else VARCHAR. A bare
    /// `NUMBER` whose scale is not given is DOUBLE (a scale cannot be assumed: an integer type would
    /// refuse fractions).
    static func of(snowflakeType type: String) -> KeboolaColumnType {
        let native = type.uppercased().trimmingCharacters(in: .whitespaces)
        let word = String(native.prefix { $0.isLetter || $0 == "_" })
        switch word {
        case "NUMBER", "NUMERIC", "DECIMAL", "FIXED":
            guard native.contains("(") else { return .double }
            return from(basetype: nil, native: native, length: nil)
        case "TIME", "VARIANT", "OBJECT", "ARRAY", "BINARY", "VARBINARY", "GEOGRAPHY", "GEOMETRY": return .string
        default: return from(basetype: nil, native: native, length: nil)
        }
    }
}
