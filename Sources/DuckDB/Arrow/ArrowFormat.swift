import CDuckDB

/// One Arrow type as the C data interface's format string names it, with its IPC `Type` union member
/// and how its buffers are laid out.
struct ArrowFormat {
    /// How an array of this type is stored: which buffers follow the validity bitmap, which children.
    enum Layout: Equatable {
        /// The Null type: no buffers at all.
        case null
        /// One bit per value (Bool).
        case bits
        /// `width` bytes per value.
        case fixed(width: Int)
        /// Offsets of `offsetWidth` bytes, then the value bytes (strings, binaries).
        case variable(offsetWidth: Int)
        /// Offsets of `offsetWidth` bytes, then one child (lists, maps).
        case list(offsetWidth: Int)
        /// One child with `size` values per value.
        case fixedList(size: Int)
        /// One child per member.
        case structure
    }

    /// The `Type` union discriminant of Arrow's `Schema.fbs`.
    let typeID: UInt8
    /// The union member's table.
    let type: FlatBuffer.Object
    /// The buffer layout.
    let layout: Layout

    /// Parses a format string; throws for types this writer does not encode (dictionaries, unions,
    /// views, run-end encoding).
    init(format: String, flags: Int64) throws {
        func unit(_ character: Character?) throws -> Int16 {
            switch character {
            case "s": return 0
            case "m": return 1
            case "u": return 2
            case "n": return 3
            default: throw DuckDBError(.execute, "unsupported Arrow time unit in \(format)")
            }
        }
        let characters = Array(format)
        switch format {
        case "n": self.init(1, [], .null)
        case "b": self.init(6, [], .bits)
        case "c", "C", "s", "S", "i", "I", "l", "L":
            let widths: [Character: Int] = ["c": 1, "s": 2, "i": 4, "l": 8]
            let width = widths[Character(format.lowercased())]!
            self.init(2, [.int32(Int32(width * 8)), .bool(format == format.lowercased())], .fixed(width: width))
        case "e": self.init(3, [.int16(0)], .fixed(width: 2))
        case "f": self.init(3, [.int16(1)], .fixed(width: 4))
        case "g": self.init(3, [.int16(2)], .fixed(width: 8))
        case "z": self.init(4, [], .variable(offsetWidth: 4))
        case "u": self.init(5, [], .variable(offsetWidth: 4))
        case "Z": self.init(19, [], .variable(offsetWidth: 8))
        case "U": self.init(20, [], .variable(offsetWidth: 8))
        case "tdD": self.init(8, [.int16(0)], .fixed(width: 4))
        case "tdm": self.init(8, [.int16(1)], .fixed(width: 8))
        case "tts", "ttm": self.init(9, [.int16(try unit(characters[2])), .int32(32)], .fixed(width: 4))
        case "ttu", "ttn": self.init(9, [.int16(try unit(characters[2])), .int32(64)], .fixed(width: 8))
        case "tDs", "tDm", "tDu", "tDn": self.init(18, [.int16(try unit(characters[2]))], .fixed(width: 8))
        case "tiM": self.init(11, [.int16(0)], .fixed(width: 4))
        case "tiD": self.init(11, [.int16(1)], .fixed(width: 8))
        case "tin": self.init(11, [.int16(2)], .fixed(width: 16))
        case "+l": self.init(12, [], .list(offsetWidth: 4))
        case "+L": self.init(21, [], .list(offsetWidth: 8))
        case "+s": self.init(13, [], .structure)
        case "+m": self.init(17, [.bool(flags & Int64(ARROW_FLAG_MAP_KEYS_SORTED) != 0)], .list(offsetWidth: 4))
        default:
            if format.hasPrefix("ts"), characters.count >= 4, characters[3] == ":" {
                let zone = String(format.dropFirst(4))
                let timezone: FlatBuffer.Field? = zone.isEmpty ? nil : .object(.string(zone))
                self.init(10, [.int16(try unit(characters[2])), timezone], .fixed(width: 8))
            } else if format.hasPrefix("d:") {
                let numbers = format.dropFirst(2).split(separator: ",").compactMap { Int32($0) }
                guard (2...3).contains(numbers.count) else { throw Self.unsupported(format) }
                let bits = numbers.count == 3 ? numbers[2] : 128
                guard [32, 64, 128, 256].contains(bits) else { throw Self.unsupported(format) }
                self.init(7, [.int32(numbers[0]), .int32(numbers[1]), .int32(bits)], .fixed(width: Int(bits) / 8))
            } else if format.hasPrefix("w:"), let width = Int32(format.dropFirst(2)), width > 0 {
                self.init(15, [.int32(width)], .fixed(width: Int(width)))
            } else if format.hasPrefix("+w:"), let size = Int32(format.dropFirst(3)), size >= 0 {
                self.init(16, [.int32(size)], .fixedList(size: Int(size)))
            } else {
                throw Self.unsupported(format)
            }
        }
    }

    private init(_ typeID: UInt8, _ fields: [FlatBuffer.Field?], _ layout: Layout) {
        self.typeID = typeID
        self.type = .table(fields)
        self.layout = layout
    }

    static func unsupported(_ format: String) -> DuckDBError {
        DuckDBError(.execute, "the Arrow type \(format) cannot be written to an IPC stream here")
    }
}
