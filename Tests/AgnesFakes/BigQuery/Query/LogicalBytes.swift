/// Logical sizes by BigQuery's "Data type sizes" table (GoogleSQL reference, data types): INT64,
/// FLOAT64, DATE, DATETIME, TIME and TIMESTAMP 8 bytes, NUMERIC and INTERVAL 16, BIGNUMERIC 32, BOOL 1,
/// STRING 2 + its UTF-8 length, BYTES 2 + its length, GEOGRAPHY 16 + 24 per vertex, a STRUCT the sum of
/// its fields, an ARRAY the sum of its elements, NULL 0. They give `numBytes` and the bytes a query
/// processes.
enum LogicalBytes {
    /// The size of one value of `field`.
    static func of(_ value: FakeBigQueryValue, _ field: FakeBigQueryField) -> Int64 {
        switch value {
        case .null:
            return 0
        case .array(let elements):
            var element = field
            element.mode = .nullable
            return elements.reduce(0) { $0 + of($1, element) }
        case .record(let members):
            return zip(members, field.fields).reduce(0) { $0 + of($1.0, $1.1) }
        default:
            break
        }
        switch field.type {
        case .int64, .float64, .date, .dateTime, .time, .timestamp: return 8
        case .numeric, .interval: return 16
        case .bigNumeric: return 32
        case .bool: return 1
        case .string, .bytes: return 2 + Int64(length(value))
        case .geography: return 16 + 24 * Int64(vertices(value))
        case .record: return 0
        }
    }

    /// The size of column `index` of `table` over all its rows.
    static func column(_ index: Int, of table: BigQueryTable) -> Int64 {
        let field = table.fields[index]
        return table.rows.reduce(0) { $0 + (index < $1.count ? of($1[index], field) : 0) }
    }

    /// The size of all of `table`: its `numBytes`.
    static func table(_ table: BigQueryTable) -> Int64 {
        table.fields.indices.reduce(0) { $0 + column($1, of: table) }
    }

    private static func length(_ value: FakeBigQueryValue) -> Int {
        switch value {
        case .string(let text): text.utf8.count
        case .bytes(let bytes): bytes.count
        default: String(describing: value).utf8.count
        }
    }

    /// The coordinate pairs of WKT text: its numbers, two by two.
    private static func vertices(_ value: FakeBigQueryValue) -> Int {
        guard case .string(let wkt) = value else { return 1 }
        let numbers = wkt.split(whereSeparator: { !($0.isNumber || $0 == "." || $0 == "-" || $0 == "e") })
        return numbers.count / 2
    }
}
