/// A small reader of Arrow IPC streams for tests: it checks the framing (continuation markers,
/// 8-byte alignment, body lengths, end-of-stream marker) and reads the schema's fields and each
/// record batch, with value accessors for flat columns.
public struct ArrowStreamReader {
    /// A schema field.
    public struct Field: Equatable {
        public let name: String
        /// The `Type` union discriminant (2 Int, 3 FloatingPoint, 5 Utf8, 6 Bool, 7 Decimal, 8 Date,
        /// 10 Timestamp, 12 List, 13 Struct…).
        public let typeID: UInt8
        public let nullable: Bool
        public let children: [Field]
        /// Int bit width / FloatingPoint precision / Date or Time unit, where the type has one.
        public let parameter: Int
    }

    /// One record batch.
    public struct Batch {
        public let length: Int
        public let nodes: [(length: Int, nullCount: Int)]
        public let buffers: [(offset: Int, length: Int)]
        public let body: [UInt8]
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    public private(set) var fields: [Field] = []
    public private(set) var batches: [Batch] = []

    /// Total rows in all batches.
    public var rowCount: Int { batches.reduce(0) { $0 + $1.length } }

    public init(_ bytes: [UInt8]) throws {
        var position = 0
        var sawSchema = false
        while true {
            guard position + 8 <= bytes.count, position % 8 == 0 else { throw Malformed(description: "truncated") }
            guard Self.u32(bytes, position) == 0xFFFF_FFFF else { throw Malformed(description: "no continuation") }
            let length = Int(Self.u32(bytes, position + 4))
            position += 8
            if length == 0 { break }
            guard length % 8 == 0, position + length <= bytes.count else { throw Malformed(description: "metadata") }
            let metadata = Array(bytes[position..<(position + length)])
            position += length
            let message = Self.root(metadata)
            guard Self.scalar(metadata, message, 0, as: Int16.self) == 4 else {
                throw Malformed(description: "version")
            }
            let kind = Self.scalar(metadata, message, 1, as: UInt8.self) ?? 0
            let bodyLength = Int(Self.scalar(metadata, message, 3, as: Int64.self) ?? 0)
            guard let header = Self.object(metadata, message, 2), position + bodyLength <= bytes.count else {
                throw Malformed(description: "header")
            }
            let body = Array(bytes[position..<(position + bodyLength)])
            position += bodyLength
            switch kind {
            case 1:
                fields = Self.tables(metadata, header, 1).map { Self.field(metadata, $0) }
                sawSchema = true
            case 3:
                guard sawSchema else { throw Malformed(description: "batch before schema") }
                let nodes = Self.structs(metadata, header, 1).map { (Int($0.0), Int($0.1)) }
                let buffers = Self.structs(metadata, header, 2).map { (Int($0.0), Int($0.1)) }
                guard buffers.allSatisfy({ $0.0 % 8 == 0 && $0.0 + $0.1 <= bodyLength }) else {
                    throw Malformed(description: "buffer outside the body")
                }
                let rows = Int(Self.scalar(metadata, header, 0, as: Int64.self) ?? -1)
                batches.append(Batch(length: rows, nodes: nodes, buffers: buffers, body: body))
            default: throw Malformed(description: "message type \(kind)")
            }
        }
        guard position == bytes.count, sawSchema else { throw Malformed(description: "bytes after end of stream") }
    }

    /// The first buffer index of each top-level column.
    func firstBuffers() -> [Int] {
        var index = 0
        return fields.map { field in
            defer { index += Self.bufferCount(field) }
            return index
        }
    }

    static func bufferCount(_ field: Field) -> Int {
        switch field.typeID {
        case 1: return 0
        case 4, 5, 19, 20: return 3
        case 12, 17, 21: return 2 + field.children.map(bufferCount).reduce(0, +)
        case 13, 16: return 1 + field.children.map(bufferCount).reduce(0, +)
        default: return 2
        }
    }

    /// The values of a flat column, nil where null: integers and dates as Int, floats as Double,
    /// strings as String, booleans as Bool.
    public func values(_ column: Int) -> [AnyHashable?] {
        let field = fields[column]
        let first = firstBuffers()[column]
        var result: [AnyHashable?] = []
        for batch in batches {
            let validity = batch.buffers[first]
            let data = batch.buffers[first + 1]
            func isValid(_ row: Int) -> Bool {
                validity.length == 0 || batch.body[validity.offset + row / 8] & (1 << (row % 8)) != 0
            }
            for row in 0..<batch.length {
                guard isValid(row) else {
                    result.append(nil)
                    continue
                }
                switch field.typeID {
                case 2, 8, 10:
                    let width =
                        field.typeID == 2 ? field.parameter / 8 : (field.typeID == 8 && field.parameter == 0 ? 4 : 8)
                    result.append(Self.integer(batch.body, data.offset + row * width, width: width))
                case 3:
                    let bits = Self.integer(batch.body, data.offset + row * 8, width: 8)
                    result.append(field.parameter == 2 ? Double(bitPattern: UInt64(bitPattern: Int64(bits))) : nil)
                case 5:
                    let offsets = data
                    let values = batch.buffers[first + 2]
                    let start = Self.integer(batch.body, offsets.offset + row * 4, width: 4)
                    let end = Self.integer(batch.body, offsets.offset + row * 4 + 4, width: 4)
                    let bytes = batch.body[(values.offset + start)..<(values.offset + end)]
                    result.append(String(decoding: bytes, as: UTF8.self))
                case 6: result.append(batch.body[data.offset + row / 8] & (1 << (row % 8)) != 0)
                default: result.append("?")
                }
            }
        }
        return result
    }

    // MARK: FlatBuffers

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }

    static func integer(_ bytes: [UInt8], _ at: Int, width: Int) -> Int {
        let raw = (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
        let shift = UInt64(64 - 8 * width)
        return Int(Int64(bitPattern: raw << shift) >> Int64(shift))
    }

    static func root(_ buffer: [UInt8]) -> Int { Int(u32(buffer, 0)) }

    static func fieldPosition(_ buffer: [UInt8], _ table: Int, _ id: Int) -> Int? {
        let vtable = table - integer(buffer, table, width: 4)
        let size = integer(buffer, vtable, width: 2)
        guard 4 + 2 * id < size else { return nil }
        let offset = integer(buffer, vtable + 4 + 2 * id, width: 2)
        return offset == 0 ? nil : table + offset
    }

    static func scalar<T: FixedWidthInteger>(_ buffer: [UInt8], _ table: Int, _ id: Int, as: T.Type) -> T? {
        guard let at = fieldPosition(buffer, table, id) else { return nil }
        return T(truncatingIfNeeded: integer(buffer, at, width: MemoryLayout<T>.size))
    }

    static func object(_ buffer: [UInt8], _ table: Int, _ id: Int) -> Int? {
        fieldPosition(buffer, table, id).map { $0 + Int(u32(buffer, $0)) }
    }

    static func string(_ buffer: [UInt8], _ table: Int, _ id: Int) -> String {
        guard let at = object(buffer, table, id) else { return "" }
        let length = Int(u32(buffer, at))
        return String(decoding: buffer[(at + 4)..<(at + 4 + length)], as: UTF8.self)
    }

    static func tables(_ buffer: [UInt8], _ table: Int, _ id: Int) -> [Int] {
        guard let vector = object(buffer, table, id) else { return [] }
        return (0..<Int(u32(buffer, vector))).map { index in
            let slot = vector + 4 + 4 * index
            return slot + Int(u32(buffer, slot))
        }
    }

    static func structs(_ buffer: [UInt8], _ table: Int, _ id: Int) -> [(Int64, Int64)] {
        guard let vector = object(buffer, table, id) else { return [] }
        return (0..<Int(u32(buffer, vector))).map { index in
            let at = vector + 4 + 16 * index
            return (Int64(integer(buffer, at, width: 8)), Int64(integer(buffer, at + 8, width: 8)))
        }
    }

    static func field(_ buffer: [UInt8], _ table: Int) -> Field {
        let typeID = scalar(buffer, table, 2, as: UInt8.self) ?? 0
        var parameter = 0
        if let type = object(buffer, table, 3) {
            switch typeID {
            case 2: parameter = Int(scalar(buffer, type, 0, as: Int32.self) ?? 0)
            case 3, 8, 9, 10: parameter = Int(scalar(buffer, type, 0, as: Int16.self) ?? 0)
            default: break
            }
        }
        return Field(
            name: string(buffer, table, 0), typeID: typeID, nullable: scalar(buffer, table, 1, as: UInt8.self) == 1,
            children: tables(buffer, table, 5).map { field(buffer, $0) }, parameter: parameter)
    }
}
