import AgnesData
import Foundation

/// How BigQuery's types become DuckDB's, and its `f`/`v` cells text that DuckDB casts to them:
///
/// | BigQuery | DuckDB | cell text |
/// |---|---|---|
/// | INT64, FLOAT64, NUMERIC (38,9), BOOL, STRING, DATE, TIME | BIGINT, DOUBLE, DECIMAL(38,9), BOOLEAN, VARCHAR, DATE, TIME | as sent |
/// | BIGNUMERIC (76 digits: more than DuckDB's DECIMAL holds) | DOUBLE | as sent |
/// | DATETIME | TIMESTAMP | as sent (`2024-01-31T10:00:00`) |
/// | TIMESTAMP (epoch seconds, `1.7066952E9`) | TIMESTAMPTZ | `2024-01-31 10:00:00.000000+00` |
/// | BYTES | BLOB | base64, as sent |
/// | GEOGRAPHY, JSON, INTERVAL, RANGE | VARCHAR | as sent |
/// | RECORD | STRUCT(…) | JSON object |
/// | REPEATED | LIST (`T[]`) | JSON array |
enum BigQueryTypes {
    /// The DuckDB type of a field (with its mode).
    static func duckDBType(_ field: BigQueryField) -> String {
        let element: String
        if field.isRecord {
            let members = (field.fields ?? []).map { "\(SQLText.identifier($0.name)) \(duckDBType($0))" }
            element = members.isEmpty ? "VARCHAR" : "STRUCT(\(members.joined(separator: ", ")))"
        } else {
            element = scalarType(field.type)
        }
        return field.isRepeated ? element + "[]" : element
    }

    static func scalarType(_ type: String) -> String {
        switch type.uppercased() {
        case "INT64", "INTEGER": "BIGINT"
        case "FLOAT64", "FLOAT": "DOUBLE"
        case "NUMERIC", "DECIMAL": "DECIMAL(38,9)"
        case "BIGNUMERIC", "BIGDECIMAL": "DOUBLE"
        case "BOOL", "BOOLEAN": "BOOLEAN"
        case "DATE": "DATE"
        case "DATETIME": "TIMESTAMP"
        case "TIME": "TIME"
        case "TIMESTAMP": "TIMESTAMPTZ"
        case "BYTES": "BLOB"
        default: "VARCHAR"
        }
    }

    /// The columns of a table, as its remote view gives them.
    static func columns(_ fields: [BigQueryField]) -> [RemoteColumn] {
        fields.map { RemoteColumn(name: $0.name, type: duckDBType($0)) }
    }

    /// A row's cells as text DuckDB casts to each field's type.
    static func text(_ row: BigQueryCell.Row, fields: [BigQueryField]) -> [String?] {
        zip(row.f, fields).map { cell, field in text(cell, field: field) }
    }

    static func text(_ cell: BigQueryCell, field: BigQueryField) -> String? {
        if case .null = cell { return nil }
        if field.isRepeated || field.isRecord { return json(cell, field: field, asElement: false) }
        guard case .text(let value) = cell else { return nil }
        return field.type.uppercased() == "TIMESTAMP" ? timestamp(value) : value
    }

    /// The JSON of a nested value (numbers and booleans as JSON ones, everything else as strings).
    static func json(_ cell: BigQueryCell, field: BigQueryField, asElement: Bool) -> String {
        switch cell {
        case .null: return "null"
        case .list(let items) where field.isRepeated && !asElement:
            return "[" + items.map { json($0, field: field, asElement: true) }.joined(separator: ",") + "]"
        case .record(let members) where field.isRecord:
            let inner = zip(members, field.fields ?? []).map { member, child in
                quoted(child.name) + ":" + json(member, field: child, asElement: false)
            }
            return "{" + inner.joined(separator: ",") + "}"
        case .text(let value):
            switch field.type.uppercased() {
            case "INT64", "INTEGER", "FLOAT64", "FLOAT", "NUMERIC", "DECIMAL", "BIGNUMERIC", "BIGDECIMAL":
                return RemotePushdown.isNumber(value) ? value : quoted(value)
            case "BOOL", "BOOLEAN": return value.lowercased() == "true" ? "true" : "false"
            case "TIMESTAMP": return quoted(timestamp(value) ?? value)
            default: return quoted(value)
            }
        default:
            return "null"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `1.7066952E9` (epoch seconds, as BigQuery sends TIMESTAMPs) → `2024-01-31 10:00:00.000000+00`,
    /// exact to the microsecond (decimal arithmetic, not a double). Text that is no such number is
    /// passed on for DuckDB to judge.
    static func timestamp(_ text: String) -> String? {
        guard let seconds = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !seconds.isNaN else {
            return text
        }
        var micros = seconds * 1_000_000
        var rounded = Decimal()
        NSDecimalRound(&rounded, &micros, 0, .plain)
        let total = NSDecimalNumber(decimal: rounded).int64Value
        let whole = total >= 0 ? total / 1_000_000 : (total - 999_999) / 1_000_000
        let fraction = total - whole * 1_000_000
        let date = Date(timeIntervalSince1970: TimeInterval(whole))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, Int(fraction))
    }
}

/// GoogleSQL as a remote scan sends it: backticked names, single-quoted strings with `\` escapes.
enum BigQuerySQL {
    /// `` `project.dataset.table` ``.
    static func table(project: String, dataset: String, table: String) -> String {
        "`" + [project, dataset, table].map { $0.replacingOccurrences(of: "`", with: "\\`") }.joined(separator: ".")
            + "`"
    }

    static func identifier(_ name: String) -> String {
        "`" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "`", with: "\\`") + "`"
    }

    static func literal(_ value: RemoteLiteral) -> String {
        switch value {
        case .number(let text): return RemotePushdown.isNumber(text) ? text : "NULL"
        case .string(let text):
            var out = "'"
            for character in text.unicodeScalars {
                switch character {
                case "'": out += "\\'"
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                default: out.unicodeScalars.append(character)
                }
            }
            return out + "'"
        }
    }

    /// The condition in GoogleSQL; nil for a filter on a column whose kind could compare otherwise there.
    static func condition(_ filter: RemoteFilter) -> String? {
        switch filter {
        case .compare(let column, let op, let value):
            guard ["=", "<>", "<", "<=", ">", ">="].contains(op) else { return nil }
            return "\(identifier(column.name)) \(op) \(literal(value))"
        case .isIn(let column, let values):
            guard !values.isEmpty else { return nil }
            return "\(identifier(column.name)) IN (\(values.map(literal).joined(separator: ", ")))"
        case .isNull(let column): return "\(identifier(column.name)) IS NULL"
        case .isNotNull(let column): return "\(identifier(column.name)) IS NOT NULL"
        }
    }

    /// The SELECT of a remote scan: the columns read (`1` when none), every condition, the LIMIT.
    static func select(_ request: RemoteScanRequest, from table: String) -> String {
        let columns =
            request.columns.isEmpty ? "1" : request.columns.map { identifier($0.name) }.joined(separator: ", ")
        var sql = "SELECT \(columns) FROM \(table)"
        let conditions = request.filters.compactMap(condition)
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        if let limit = request.limit, conditions.count == request.filters.count { sql += " LIMIT \(limit)" }
        return sql
    }
}

extension BigQueryTypes {
    /// A row as one JSON object for staging: NUMERIC and BIGNUMERIC as strings (exact: DuckDB casts
    /// them from text), everything else as ``json(_:field:asElement:)`` makes it.
    static func stagedJSON(_ row: BigQueryCell.Row, fields: [BigQueryField]) -> String {
        let members = zip(row.f, fields).enumerated().map { index, pair in
            let (cell, field) = pair
            let value: String
            if case .text(let text) = cell, !field.isRepeated,
                ["NUMERIC", "DECIMAL", "BIGNUMERIC", "BIGDECIMAL"].contains(field.type.uppercased())
            {
                value = quoted(text)
            } else {
                value = json(cell, field: field, asElement: false)
            }
            return "\"c\(index)\":" + value
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The typed SELECT over a staged file: each `c<n>` read as its column's type (a BLOB as base64
    /// text, then decoded), named as BigQuery names it. An empty result reads no file.
    static func stagedSelect(file: String, fields: [BigQueryField], isEmpty: Bool) -> String {
        let types = fields.map(duckDBType)
        let names = uniqueNames(fields.map(\.name))
        let expressions = zip(names, types).enumerated().map { index, pair in
            let (name, type) = pair
            let source = "c\(index)"
            let value = type == "BLOB" ? "from_base64(\(source))" : source
            return "\(value) AS \(SQLText.identifier(name))"
        }
        let declared = types.enumerated().map { index, type in
            "'c\(index)': \(SQLText.literal(type == "BLOB" ? "VARCHAR" : type))"
        }
        if isEmpty {
            let empty = zip(names, types).map { "NULL::\($1) AS \(SQLText.identifier($0))" }
            return "SELECT \(empty.joined(separator: ", ")) WHERE false"
        }
        return """
            SELECT \(expressions.joined(separator: ", ")) FROM read_json(\(SQLText.literal(file)), \
            format = 'newline_delimited', columns = {\(declared.joined(separator: ", "))}, maximum_object_size = 104857600)
            """
    }

    /// Column names a parquet file can hold: an empty one becomes `column_<n>`, a repeated one gets
    /// `_2`, `_3`, … (compared case-insensitively, as DuckDB does).
    static func uniqueNames(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.enumerated().map { index, name in
            var candidate = name.isEmpty ? "column_\(index + 1)" : name
            var suffix = 2
            while seen.contains(candidate.lowercased()) {
                candidate = "\(name.isEmpty ? "column_\(index + 1)" : name)_\(suffix)"
                suffix += 1
            }
            seen.insert(candidate.lowercased())
            return candidate
        }
    }
}
