import DuckDB
import NIOCore

/// The `/api/query` answer written straight into bytes: `{column_types, columns, row_count, rows,
/// truncated}` (keys sorted, as the JSON encoder wrote them before).
///
/// Foundation's `JSONEncoder` spent about 0.1 ms on a one-row answer and grows with every cell; this
/// writer walks the rows once, with the same values on the wire: null, booleans, integers up to 64
/// bits, finite floats and text as JSON values, everything else (decimals, dates, lists, structs,
/// NaN…) as DuckDB prints it, in a JSON string.
struct QueryResponseBody {
    private(set) var buffer: ByteBuffer

    init(capacity: Int = 1024) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// The body for `result`, of which `rows` are sent.
    static func encode(columns: [Column], rows: [[DuckDBValue]], isTruncated: Bool) -> ByteBuffer {
        var body = QueryResponseBody(capacity: 256 + rows.count * max(1, columns.count) * 12)
        body.write(#"{"column_types":["#)
        for (index, column) in columns.enumerated() {
            if index > 0 { body.write(",") }
            body.writeString(column.type.description)
        }
        body.write(#"],"columns":["#)
        for (index, column) in columns.enumerated() {
            if index > 0 { body.write(",") }
            body.writeString(column.name)
        }
        body.write(#"],"row_count":"#)
        body.write(String(rows.count))
        body.write(#","rows":["#)
        for (rowIndex, row) in rows.enumerated() {
            body.write(rowIndex > 0 ? ",[" : "[")
            for (index, value) in row.enumerated() {
                if index > 0 { body.write(",") }
                body.writeValue(value)
            }
            body.write("]")
        }
        body.write(isTruncated ? #"],"truncated":true}"# : #"],"truncated":false}"#)
        return body.buffer
    }

    mutating func write(_ text: StaticString) {
        buffer.writeStaticString(text)
    }

    mutating func write(_ text: String) {
        buffer.writeString(text)
    }

    /// One cell.
    mutating func writeValue(_ value: DuckDBValue) {
        switch value {
        case .null: write("null")
        case .boolean(let v): write(v ? "true" : "false")
        case .tinyint(let v): write(String(v))
        case .smallint(let v): write(String(v))
        case .integer(let v): write(String(v))
        case .bigint(let v): write(String(v))
        case .utinyint(let v): write(String(v))
        case .usmallint(let v): write(String(v))
        case .uinteger(let v): write(String(v))
        case .ubigint(let v): write(String(v))
        case .float(let v) where v.isFinite: writeNumber(Double(v))
        case .double(let v) where v.isFinite: writeNumber(v)
        case .varchar(let text), .enumeration(let text): writeString(text)
        default: writeString(value.description)
        }
    }

    /// A finite double the way the JSON encoder writes it: shortest round-trip digits, no `.0` tail.
    mutating func writeNumber(_ value: Double) {
        let text = value.description
        write(text.hasSuffix(".0") ? String(text.dropLast(2)) : text)
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else as UTF-8.
    mutating func writeString(_ text: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        let needsEscaping =
            text.utf8.withContiguousStorageIfAvailable { bytes in
                bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
            } ?? true
        if needsEscaping {
            for byte in text.utf8 { writeEscaped(byte) }
        } else {
            buffer.writeString(text)
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): write(#"\""#)
        case UInt8(ascii: "\\"): write(#"\\"#)
        case 0x0A: write(#"\n"#)
        case 0x0D: write(#"\r"#)
        case 0x09: write(#"\t"#)
        case 0x08: write(#"\b"#)
        case 0x0C: write(#"\f"#)
        case ..<0x20:
            let hex = Self.hexDigits
            buffer.writeBytes([
                UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)],
                hex[Int(byte & 0x0F)],
            ])
        default: buffer.writeInteger(byte)
        }
    }
}
