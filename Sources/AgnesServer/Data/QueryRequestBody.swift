/// The `/api/query` request body, `{"sql": "…", "limit": 1000}`, read straight from its bytes.
///
/// Foundation's `JSONDecoder` spent about 0.1 ms on this two-field body on every query. This reader
/// takes the common shape only: an object whose `sql` is a string, whose `limit` is an integer or null,
/// and whose other members (ignored, as the decoder ignores them) are strings, booleans or null. For
/// anything else it answers nil and the caller falls back to `JSONDecoder` (the type is `Decodable`
/// too), which then decides, and words the error, exactly as before: a missing or mistyped field, a
/// duplicate key, a fractional or out-of-range limit, a nested value, a lone surrogate, invalid UTF-8,
/// trailing bytes.
///
/// ```swift
/// let body = QueryRequestBody(bytes: buffer.readableBytesView)  // nil: let JSONDecoder decide
/// ```
struct QueryRequestBody: Decodable, Equatable {
    let sql: String
    let limit: Int?

    init(sql: String, limit: Int?) {
        self.sql = sql
        self.limit = limit
    }

    /// Reads `bytes`, or nil when they are not in the common shape (see the type's documentation).
    init?<Bytes: RandomAccessCollection<UInt8>>(bytes: Bytes) where Bytes.Index == Int {
        var reader = Reader(bytes: bytes)
        guard let (sql, limit) = reader.readObject() else { return nil }
        self.sql = sql
        self.limit = limit
    }

    private struct Reader<Bytes: RandomAccessCollection<UInt8>> where Bytes.Index == Int {
        let bytes: Bytes
        var position: Int

        init(bytes: Bytes) {
            self.bytes = bytes
            self.position = bytes.startIndex
        }

        var current: UInt8? { position < bytes.endIndex ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            position += 1
            return true
        }

        mutating func consume(literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.endIndex - position >= count else { return false }
            for offset in 0..<count where bytes[position + offset] != literal.utf8Start[offset] { return false }
            position += count
            return true
        }

        /// The whole body: one object, then only whitespace.
        mutating func readObject() -> (String, Int?)? {
            var sql: String?
            var limit: Int??
            var seen: Set<String> = []
            skipWhitespace()
            guard consume(UInt8(ascii: "{")) else { return nil }
            skipWhitespace()
            if !consume(UInt8(ascii: "}")) {
                repeat {
                    skipWhitespace()
                    guard let key = readString(), seen.insert(key).inserted else { return nil }
                    skipWhitespace()
                    guard consume(UInt8(ascii: ":")) else { return nil }
                    skipWhitespace()
                    switch key {
                    case "sql":
                        guard let text = readString() else { return nil }
                        sql = text
                    case "limit":
                        if consume(literal: "null") {
                            limit = .some(nil)
                        } else {
                            guard let value = readInteger() else { return nil }
                            limit = .some(value)
                        }
                    default:
                        guard skipScalar() else { return nil }
                    }
                    skipWhitespace()
                } while consume(UInt8(ascii: ","))
                guard consume(UInt8(ascii: "}")) else { return nil }
            }
            skipWhitespace()
            guard position == bytes.endIndex, let sql else { return nil }
            return (sql, limit ?? nil)
        }

        /// A string, true, false or null; nil for numbers, objects and arrays (left to the decoder).
        mutating func skipScalar() -> Bool {
            if current == UInt8(ascii: "\"") { return readString() != nil }
            return consume(literal: "true") || consume(literal: "false") || consume(literal: "null")
        }

        /// A JSON integer (`-?(0|[1-9][0-9]*)`) that fits an `Int` and is not followed by a fraction or an
        /// exponent.
        mutating func readInteger() -> Int? {
            let isNegative = consume(UInt8(ascii: "-"))
            guard let first = current, (0x30...0x39).contains(first) else { return nil }
            var value = 0
            if first == 0x30 {
                position += 1
            } else {
                while let byte = current, (0x30...0x39).contains(byte) {
                    let digit = Int(byte - 0x30)
                    let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
                    let (next, overflowAdd) =
                        isNegative
                        ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                    guard !overflowShift, !overflowAdd else { return nil }
                    value = next
                    position += 1
                }
            }
            if let byte = current,
                byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                    || (0x30...0x39).contains(byte)
            {
                return nil
            }
            return value
        }

        /// A JSON string with its escapes resolved; nil for a control character, a bad escape, a lone
        /// surrogate or invalid UTF-8.
        mutating func readString() -> String? {
            guard consume(UInt8(ascii: "\"")) else { return nil }
            let start = position
            // The common case: no escapes, so the text is the bytes themselves.
            while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                guard byte >= 0x20 else { return nil }
                position += 1
            }
            guard let stop = current else { return nil }
            if stop == UInt8(ascii: "\"") {
                position += 1
                return String(validating: bytes[start..<(position - 1)], as: UTF8.self)
            }
            var text = Array(bytes[start..<position])
            while let byte = current {
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: text, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { return nil }
                    position += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
                    case UInt8(ascii: "b"): text.append(0x08)
                    case UInt8(ascii: "f"): text.append(0x0C)
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "r"): text.append(0x0D)
                    case UInt8(ascii: "t"): text.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = readUnicodeEscape() else { return nil }
                        text.append(contentsOf: String(Character(scalar)).utf8)
                    default: return nil
                    }
                default:
                    guard byte >= 0x20 else { return nil }
                    text.append(byte)
                }
            }
            return nil
        }

        /// After `\u`: four hex digits, or a surrogate pair written as two escapes.
        mutating func readUnicodeEscape() -> Unicode.Scalar? {
            guard let high = readHex4() else { return nil }
            switch high {
            case 0xD800...0xDBFF:
                guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")), let low = readHex4(),
                    (0xDC00...0xDFFF).contains(low)
                else { return nil }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            case 0xDC00...0xDFFF:
                return nil
            default:
                return Unicode.Scalar(high)
            }
        }

        mutating func readHex4() -> UInt32? {
            guard bytes.endIndex - position >= 4 else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }
    }
}
