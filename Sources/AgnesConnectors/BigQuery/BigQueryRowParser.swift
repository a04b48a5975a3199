import AgnesData
import Foundation

/// A hand-written reader of the `rows` of a BigQuery answer (`[{"f":[{"v":…},…]},…]`), several times
/// faster than `Decodable` for the millions of cells a result can have. The rest of the answer (job,
/// schema, page token) is small and decoded as usual, from the answer with its rows cut out.
enum BigQueryRowParser {
    /// The answer decoded: its rows by this parser, everything else by `JSONDecoder`.
    static func response(_ data: Data) throws -> BigQueryQueryResponse {
        let bytes = [UInt8](data)
        guard let span = rowsSpan(bytes) else {
            return try JSONDecoder().decode(BigQueryQueryResponse.self, from: data)
        }
        var rest = Array(bytes[..<span.key])
        rest += Array("\"rows\":null".utf8)
        rest += bytes[span.end...]
        var response = try JSONDecoder().decode(BigQueryQueryResponse.self, from: Data(rest))
        var parser = Parser(bytes: bytes, position: span.value)
        response.rows = try parser.rows()
        return response
    }

    /// Where the top-level `"rows": [...]` member is: the key's first byte, the array's first byte and
    /// the byte after the array.
    static func rowsSpan(_ bytes: [UInt8]) -> (key: Int, value: Int, end: Int)? {
        var parser = Parser(bytes: bytes, position: 0)
        parser.skipSpace()
        guard parser.peek == UInt8(ascii: "{") else { return nil }
        parser.position += 1
        while true {
            parser.skipSpace()
            guard parser.peek == UInt8(ascii: "\"") else { return nil }
            let key = parser.position
            guard let name = try? parser.string() else { return nil }
            parser.skipSpace()
            guard parser.peek == UInt8(ascii: ":") else { return nil }
            parser.position += 1
            parser.skipSpace()
            let value = parser.position
            guard (try? parser.skipValue()) != nil else { return nil }
            if name == "rows" { return (key, value, parser.position) }
            parser.skipSpace()
            guard parser.peek == UInt8(ascii: ",") else { return nil }
            parser.position += 1
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let position: Int
        var description: String { "BigQuery's rows are not valid JSON near byte \(position)" }
    }

    struct Parser {
        let bytes: [UInt8]
        var position: Int

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipSpace() {
            while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            skipSpace()
            guard peek == byte else { throw Failure(position: position) }
            position += 1
        }

        /// `[{"f":[cells]}, …]` or `null`.
        mutating func rows() throws -> [BigQueryCell.Row]? {
            skipSpace()
            if literal("null") { return nil }
            try expect(UInt8(ascii: "["))
            var rows: [BigQueryCell.Row] = []
            skipSpace()
            if peek == UInt8(ascii: "]") {
                position += 1
                return rows
            }
            while true {
                rows.append(BigQueryCell.Row(f: try record()))
                skipSpace()
                if peek == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return rows
            }
        }

        /// `{"f": [ {"v": …}, … ]}`: the cells.
        mutating func record() throws -> [BigQueryCell] {
            try expect(UInt8(ascii: "{"))
            var cells: [BigQueryCell] = []
            while true {
                skipSpace()
                if peek == UInt8(ascii: "}") {
                    position += 1
                    return cells
                }
                let key = try string()
                try expect(UInt8(ascii: ":"))
                if key == "f" {
                    try expect(UInt8(ascii: "["))
                    skipSpace()
                    if peek == UInt8(ascii: "]") {
                        position += 1
                    } else {
                        while true {
                            cells.append(try cell())
                            skipSpace()
                            if peek == UInt8(ascii: ",") {
                                position += 1
                                continue
                            }
                            try expect(UInt8(ascii: "]"))
                            break
                        }
                    }
                } else {
                    try skipValue()
                }
                skipSpace()
                if peek == UInt8(ascii: ",") { position += 1 }
            }
        }

        /// `{"v": value}`.
        mutating func cell() throws -> BigQueryCell {
            try expect(UInt8(ascii: "{"))
            var result = BigQueryCell.null
            while true {
                skipSpace()
                if peek == UInt8(ascii: "}") {
                    position += 1
                    return result
                }
                let key = try string()
                try expect(UInt8(ascii: ":"))
                if key == "v" { result = try value() } else { try skipValue() }
                skipSpace()
                if peek == UInt8(ascii: ",") { position += 1 }
            }
        }

        /// A cell's value: null, text, a list of `{"v":…}`, a record `{"f":[…]}`, or a bare number/boolean.
        mutating func value() throws -> BigQueryCell {
            skipSpace()
            switch peek {
            case UInt8(ascii: "\""): return .text(try string())
            case UInt8(ascii: "["):
                position += 1
                var items: [BigQueryCell] = []
                skipSpace()
                if peek == UInt8(ascii: "]") {
                    position += 1
                    return .list(items)
                }
                while true {
                    items.append(try cell())
                    skipSpace()
                    if peek == UInt8(ascii: ",") {
                        position += 1
                        continue
                    }
                    try expect(UInt8(ascii: "]"))
                    return .list(items)
                }
            case UInt8(ascii: "{"): return .record(try record())
            case UInt8(ascii: "n"):
                guard literal("null") else { throw Failure(position: position) }
                return .null
            default:
                let start = position
                while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]"),
                    byte > 0x20
                {
                    position += 1
                }
                let text = String(decoding: bytes[start..<position], as: UTF8.self)
                // Numbers and booleans where strings are documented: taken as their text.
                guard text == "true" || text == "false" || RemotePushdown.isNumber(text) else {
                    throw Failure(position: start)
                }
                return .text(text)
            }
        }

        mutating func literal(_ word: String) -> Bool {
            let utf8 = Array(word.utf8)
            guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 else {
                return false
            }
            position += utf8.count
            return true
        }

        /// A JSON string (with its escapes) at the position.
        mutating func string() throws -> String {
            guard peek == UInt8(ascii: "\"") else { throw Failure(position: position) }
            position += 1
            let start = position
            // The common case: no escape, a slice of the input.
            while position < bytes.count, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\") {
                position += 1
            }
            guard position < bytes.count else { throw Failure(position: position) }
            if bytes[position] == UInt8(ascii: "\"") {
                defer { position += 1 }
                return String(decoding: bytes[start..<position], as: UTF8.self)
            }
            var out = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    continue
                }
                guard let escaped = peek else { break }
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), literal("\\u") {
                        let low = try hex4()
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out += Array(String(UnicodeScalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                default: out.append(escaped)
                }
            }
            throw Failure(position: position)
        }

        mutating func hex4() throws -> UInt32 {
            guard position + 4 <= bytes.count,
                let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
            else { throw Failure(position: position) }
            position += 4
            return value
        }

        /// Skips any JSON value.
        mutating func skipValue() throws {
            skipSpace()
            switch peek {
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                var depth = 0
                while let byte = peek {
                    if byte == UInt8(ascii: "\"") {
                        _ = try string()
                        continue
                    }
                    position += 1
                    if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") { depth += 1 }
                    if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                        depth -= 1
                        if depth == 0 { return }
                    }
                }
                throw Failure(position: position)
            default:
                let start = position
                while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]") {
                    position += 1
                }
                guard position > start else { throw Failure(position: position) }
            }
        }
    }
}
