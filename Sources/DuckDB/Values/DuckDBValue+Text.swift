import Foundation

extension DuckDBValue: CustomStringConvertible {
    /// The value as DuckDB prints it (`NULL` for NULL), for tables and logs.
    public var description: String {
        switch self {
        case .null: "NULL"
        case .boolean(let v): v ? "true" : "false"
        case .tinyint(let v): String(v)
        case .smallint(let v): String(v)
        case .integer(let v): String(v)
        case .bigint(let v): String(v)
        case .hugeint(let v): v.description
        case .utinyint(let v): String(v)
        case .usmallint(let v): String(v)
        case .uinteger(let v): String(v)
        case .ubigint(let v): String(v)
        case .uhugeint(let v): v.description
        case .float(let v): String(v)
        case .double(let v): String(v)
        case .decimal(let d): d.description
        case .varchar(let text), .enumeration(let text): text
        case .blob(let bytes): Self.blobText(bytes)
        case .date(let d): d.description
        case .time(let t): t.description
        case .timeTZ(let t): t.description
        case .timestamp(let t): t.description
        case .timestampTZ(let t): t.description + "+00"
        case .interval(let i): i.description
        case .uuid(let u): u.uuidString.lowercased()
        case .list(let values), .array(let values): "[" + values.map(\.nestedText).joined(separator: ", ") + "]"
        case .structure(let fields):
            "{" + fields.map { "'\($0.name)': \($0.value.nestedText)" }.joined(separator: ", ") + "}"
        case .map(let entries):
            "{" + entries.map { "\($0.key.nestedText)=\($0.value.nestedText)" }.joined(separator: ", ") + "}"
        }
    }

    private var nestedText: String {
        switch self {
        case .varchar(let text), .enumeration(let text): "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        default: description
        }
    }

    static func blobText(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "'") {
                text.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
