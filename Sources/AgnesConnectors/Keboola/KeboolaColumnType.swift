import Foundation

/// A column's type in the parquet file, chosen from Keboola's column metadata (`KBC.datatype.*`), and
/// the SQL that turns the export's text into it.
///
/// Keboola stores non-typed tables as text, and "nullable values are converted to empty strings"
/// (help.keboola.com, Data Types): an empty field of a non-text column is NULL; a text column keeps
/// its empty strings. Which metadata wins: a typed table's `definition` first; otherwise the column's
/// `KBC.datatype.basetype` written by `user` (an admin's choice), then by any component, then by
/// `storage`; with no base type, the native `KBC.datatype.type` is mapped; with nothing, text.
public enum KeboolaColumnType: Sendable, Hashable, CustomStringConvertible {
    case string
    case integer
    /// NUMERIC with precision and scale (`KBC.datatype.length` `"10,2"`).
    case decimal(precision: Int, scale: Int)
    /// NUMERIC without a usable precision, and FLOAT.
    case double
    case boolean
    case date
    case timestamp
    /// A timestamp with a time zone (native `TIMESTAMP_TZ`/`TIMESTAMP_LTZ`).
    case timestampWithZone

    /// The DuckDB type name.
    public var sqlType: String {
        switch self {
        case .string: "VARCHAR"
        case .integer: "BIGINT"
        case .decimal(let precision, let scale): "DECIMAL(\(precision),\(scale))"
        case .double: "DOUBLE"
        case .boolean: "BOOLEAN"
        case .date: "DATE"
        case .timestamp: "TIMESTAMP"
        case .timestampWithZone: "TIMESTAMPTZ"
        }
    }

    /// Keboola's name for it, as error messages say it.
    public var description: String {
        switch self {
        case .string: "STRING"
        case .integer: "INTEGER"
        case .decimal(let precision, let scale): "NUMERIC(\(precision),\(scale))"
        case .double: "FLOAT"
        case .boolean: "BOOLEAN"
        case .date: "DATE"
        case .timestamp: "TIMESTAMP"
        case .timestampWithZone: "TIMESTAMP WITH TIME ZONE"
        }
    }

    /// The column's type from a table's definition or metadata.
    public static func of(column: String, in table: KeboolaTable) -> KeboolaColumnType {
        if let defined = table.definition[column] {
            return from(basetype: defined.basetype, native: defined.type, length: defined.length)
        }
        let entries = table.columnMetadata[column] ?? []
        let length = preferred(entries.filter { $0.key == "KBC.datatype.length" })?.value
        let native = preferred(entries.filter { $0.key == "KBC.datatype.type" })?.value
        let basetype = preferred(entries.filter { $0.key == "KBC.datatype.basetype" })?.value
        return from(basetype: basetype, native: native, length: length)
    }

    /// The entry that wins among several providers' values of one key: `user`, then components, then `storage`.
    static func preferred(_ entries: [KeboolaMetadata]) -> KeboolaMetadata? {
        func rank(_ entry: KeboolaMetadata) -> Int {
            switch entry.provider {
            case "user": 0
            case "storage": 2
            default: 1
            }
        }
        // The last entry of the best rank: Keboola lists metadata oldest first.
        return entries.enumerated().min { a, b in
            rank(a.element) != rank(b.element) ? rank(a.element) < rank(b.element) : a.offset > b.offset
        }?.element
    }

    static func from(basetype: String?, native: String?, length: String?) -> KeboolaColumnType {
        let native = native?.uppercased().trimmingCharacters(in: .whitespaces)
        let withZone = native.map { $0.hasPrefix("TIMESTAMP_TZ") || $0.hasPrefix("TIMESTAMP_LTZ") || $0.contains("WITH TIME ZONE") } ?? false
        switch basetype?.uppercased().trimmingCharacters(in: .whitespaces) {
        case "STRING": return .string
        case "INTEGER": return .integer
        case "NUMERIC": return numeric(length: length)
        case "FLOAT": return .double
        case "BOOLEAN": return .boolean
        case "DATE": return .date
        case "TIMESTAMP": return withZone ? .timestampWithZone : .timestamp
        default: break
        }
        guard let native else { return .string }
        let word = String(native.prefix { $0.isLetter || $0 == "_" })
        switch word {
        case "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT", "INT64": return .integer
        case "NUMBER", "NUMERIC", "DECIMAL":
            let type = numeric(length: length ?? lengthInParentheses(native))
            if case .decimal(_, 0) = type { return .integer }
            return type
        case "FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "REAL", "FLOAT64": return .double
        case "BOOLEAN", "BOOL": return .boolean
        case "DATE": return .date
        case "TIMESTAMP_TZ", "TIMESTAMP_LTZ", "TIMESTAMPTZ": return .timestampWithZone
        case "TIMESTAMP", "TIMESTAMP_NTZ", "DATETIME": return withZone ? .timestampWithZone : .timestamp
        default: return .string
        }
    }

    /// NUMERIC from `KBC.datatype.length` `"p,s"` or `"p"`; DuckDB's decimals go up to 38 digits.
    static func numeric(length: String?) -> KeboolaColumnType {
        let parts = (length ?? "").split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard let first = parts.first, let precision = first, (1...38).contains(precision) else { return .double }
        let scale = parts.count > 1 ? (parts[1] ?? 0) : 0
        guard (0...precision).contains(scale) else { return .double }
        return .decimal(precision: precision, scale: scale)
    }

    private static func lengthInParentheses(_ native: String) -> String? {
        guard let open = native.firstIndex(of: "("), let close = native.lastIndex(of: ")"), open < close else { return nil }
        return String(native[native.index(after: open)..<close])
    }

    /// SQL turning the text column `quotedColumn` into this type: empty text is NULL for every type but
    /// text, and an integer column refuses a fraction instead of rounding it.
    func conversion(of quotedColumn: String) -> String {
        switch self {
        case .string: return quotedColumn
        case .integer:
            return """
                CASE WHEN \(quotedColumn) = '' THEN NULL \
                WHEN strpos(\(quotedColumn), '.') > 0 AND NOT regexp_full_match(\(quotedColumn), '\\s*[+-]?[0-9]*\\.0*\\s*') \
                THEN error('not an integer') ELSE CAST(\(quotedColumn) AS BIGINT) END
                """
        default: return "CAST(NULLIF(\(quotedColumn), '') AS \(sqlType))"
        }
    }

    /// SQL that is true for a text value this type cannot hold (what the diagnosis looks for).
    func rejects(_ quotedColumn: String) -> String {
        switch self {
        case .string: return "false"
        case .integer:
            return """
                (\(quotedColumn) <> '' AND (TRY_CAST(\(quotedColumn) AS BIGINT) IS NULL OR (strpos(\(quotedColumn), '.') > 0 \
                AND NOT regexp_full_match(\(quotedColumn), '\\s*[+-]?[0-9]*\\.0*\\s*'))))
                """
        default: return "(\(quotedColumn) <> '' AND TRY_CAST(\(quotedColumn) AS \(sqlType)) IS NULL)"
        }
    }
}
