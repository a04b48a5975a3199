import AgnesData
import DuckDB
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
        TextRows(fields: fields).text(row)
    }

    /// Turns the rows of one result into text cells (its fields looked at once, not per value).
    struct TextRows {
        enum Way { case plain, timestamp, nested }
        let fields: [BigQueryField]
        let ways: [Way]

        init(fields: [BigQueryField]) {
            self.fields = fields
            ways = fields.map { field in
                if field.isRepeated || field.isRecord { return .nested }
                return kind(of: field.type) == .timestamp ? .timestamp : .plain
            }
        }

        func text(_ row: BigQueryCell.Row) -> [String?] {
            var out: [String?] = []
            out.reserveCapacity(ways.count)
            for (index, cell) in row.f.prefix(ways.count).enumerated() {
                switch (cell, ways[index]) {
                case (.null, _): out.append(nil)
                case (.text(let value), .plain): out.append(value)
                case (.text(let value), .timestamp): out.append(timestamp(value))
                case (_, .nested): out.append(json(cell, field: fields[index], asElement: false))
                default: out.append(nil)
                }
            }
            return out
        }
    }

    static func text(_ cell: BigQueryCell, field: BigQueryField) -> String? {
        if case .null = cell { return nil }
        if field.isRepeated || field.isRecord { return json(cell, field: field, asElement: false) }
        guard case .text(let value) = cell else { return nil }
        return kind(of: field.type) == .timestamp ? timestamp(value) : value
    }

    /// How a scalar's text is written out.
    enum Kind { case number, boolean, timestamp, text }

    /// The kind of a type name (BigQuery answers in capitals; other spellings are upper-cased first).
    static func kind(of type: String) -> Kind {
        switch type {
        case "INT64", "INTEGER", "FLOAT64", "FLOAT", "NUMERIC", "DECIMAL", "BIGNUMERIC", "BIGDECIMAL": return .number
        case "BOOL", "BOOLEAN": return .boolean
        case "TIMESTAMP": return .timestamp
        case "STRING", "DATE", "DATETIME", "TIME", "BYTES", "GEOGRAPHY", "JSON", "RECORD", "STRUCT": return .text
        default:
            let upper = type.uppercased()
            return upper == type ? .text : kind(of: upper)
        }
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
            switch kind(of: field.type) {
            case .number: return RemotePushdown.isNumber(value) ? value : quoted(value)
            case .boolean: return value == "true" || value.lowercased() == "true" ? "true" : "false"
            case .timestamp: return quoted(timestamp(value) ?? value)
            case .text: return quoted(value)
            }
        default:
            return "null"
        }
    }

    static func quoted(_ text: String) -> String {
        // Most text needs no escape at all.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
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

    /// `1.7066952E9` (epoch seconds, as BigQuery sends TIMESTAMPs) → `2024-01-31 10:00:00+00`, exact
    /// to the microsecond: the decimal text is read as an integer of microseconds (no double, no
    /// calendar object: this runs once per value of a result) and written as DuckDB writes timestamps.
    /// Text that is no such number is passed on for DuckDB to judge.
    static func timestamp(_ text: String) -> String? {
        guard let total = microseconds(text) else { return text }
        return DuckDBTimestamp(total, unit: .microseconds).description + "+00"
    }

    /// `-?digits[.digits][e[+-]digits]` seconds as whole microseconds (rounded half away from zero);
    /// nil for anything else or out of range.
    static func microseconds(_ text: String) -> Int64? {
        var mantissa: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var exponent = 0
        var isNegative = false
        var seenPoint = false
        var roundUp = false
        var bytes = text.utf8.makeIterator()
        var byte = bytes.next()
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
            isNegative = byte == UInt8(ascii: "-")
            byte = bytes.next()
        }
        while let current = byte {
            if current >= 48 && current <= 57 {
                if digits < 18 {
                    mantissa = mantissa * 10 + Int64(current - 48)
                    digits += mantissa == 0 && !seenPoint ? 0 : 1
                    if seenPoint { fractionDigits += 1 }
                } else if !seenPoint {
                    exponent += 1  // a digit beyond precision before the point still counts
                } else if digits == 18 {
                    roundUp = current >= 53
                    digits += 1
                }
            } else if current == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                var rest = ""
                while let next = bytes.next() { rest.unicodeScalars.append(UnicodeScalar(next)) }
                guard let value = Int(rest) else { return nil }
                exponent += value
                break
            } else {
                return nil
            }
            byte = bytes.next()
        }
        if roundUp { mantissa += 1 }
        var shift = exponent - fractionDigits + 6
        var value = mantissa
        while shift > 0 {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = product
            shift -= 1
        }
        if shift < 0 {
            var divisor: Int64 = 1
            while shift < 0 {
                if divisor > Int64.max / 10 { return 0 }
                divisor *= 10
                shift += 1
            }
            value = (value + divisor / 2) / divisor
        }
        return isNegative ? -value : value
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
        StagedRows(fields: fields).json(row)
    }

    /// Writes the rows of one result (its fields looked at once, not per value) as staged JSON lines.
    struct StagedRows {
        let fields: [BigQueryField]
        let keys: [String]
        let isDecimal: [Bool]

        init(fields: [BigQueryField]) {
            self.fields = fields
            keys = fields.indices.map { "\"c\($0)\":" }
            isDecimal = fields.map { field in
                !field.isRepeated
                    && ["NUMERIC", "DECIMAL", "BIGNUMERIC", "BIGDECIMAL"].contains(field.type.uppercased())
            }
        }

        func json(_ row: BigQueryCell.Row) -> String {
            var out = "{"
            out.reserveCapacity(64 * fields.count)
            for (index, (cell, field)) in zip(row.f, fields).enumerated() {
                if index > 0 { out += "," }
                out += keys[index]
                if isDecimal[index], case .text(let text) = cell {
                    out += quoted(text)
                } else {
                    out += BigQueryTypes.json(cell, field: field, asElement: false)
                }
            }
            return out + "}"
        }
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
            format = 'newline_delimited', columns = {\(declared.joined(separator: ", "))})
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
