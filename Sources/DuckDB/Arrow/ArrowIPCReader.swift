import CDuckDB
import Foundation

/// Reads an Arrow IPC stream (https://arrow.apache.org/docs/format/Columnar.html#ipc-streaming-format)
/// message by message from a file: the Schema message first, then RecordBatch messages, until the
/// end-of-stream marker. Everything read from the file is checked before it is used (message and
/// body lengths, FlatBuffer offsets, buffer bounds, offsets inside their data), because the arrays
/// built from it are handed to DuckDB as raw memory. Uncompressed, little-endian streams without
/// dictionaries, as ``ArrowIPC`` writes them (and as pyarrow writes them by default).
final class ArrowIPCReader {
    /// One column (or child) of the schema.
    struct Field {
        let name: String
        let nullable: Bool
        /// The C data interface's format string.
        let format: String
        let flags: Int64
        let layout: ArrowFormat.Layout
        let children: [Field]
    }

    /// A record batch: its length and the arrays of each column, pointing into `body`.
    struct Batch {
        let length: Int
        let nodes: [(length: Int, nullCount: Int)]
        let buffers: [(offset: Int, length: Int)]
        let body: ArrowBody
    }

    static let maximumMetadataBytes = 64 << 20
    static let maximumBodyBytes = 4 << 30
    /// Columns and their children together (a FlatBuffer may point at one table many times).
    static let maximumFields = 10_000
    /// The longest array accepted: every size computed from it stays far from overflowing.
    static let maximumLength = 1 << 40

    private let handle: FileHandle
    private(set) var fields: [Field] = []
    private(set) var isFinished = false
    /// Rows read so far.
    private(set) var rows = 0

    /// Opens `file` and reads its Schema message.
    init(file: URL) throws {
        handle = try FileHandle(forReadingFrom: file)
        guard let (kind, metadata, header, body) = try nextMessage() else {
            throw Self.malformed("the stream ends before its schema")
        }
        guard kind == 1, body.count == 0 else { throw Self.malformed("the stream does not start with a schema") }
        var count = 0
        fields = try metadata.tables(header, 1).map { try Self.field(metadata, $0, depth: 0, count: &count) }
        guard !fields.isEmpty else { throw Self.malformed("the schema has no columns") }
    }

    deinit { try? handle.close() }

    /// The next record batch; nil at the end of the stream.
    func nextBatch() throws -> Batch? {
        guard !isFinished else { return nil }
        guard let (kind, metadata, header, body) = try nextMessage() else {
            isFinished = true
            return nil
        }
        switch kind {
        case 3: break
        case 1: throw Self.malformed("a second schema in the stream")
        case 2: throw Self.malformed("dictionary-encoded columns are not supported")
        default: throw Self.malformed("message type \(kind) is not a record batch")
        }
        if try metadata.object(header, 3) != nil { throw Self.malformed("compressed record batches are not supported") }
        let length = try Int(metadata.scalar(header, 0, as: Int64.self) ?? 0)
        let nodes = try metadata.structs(header, 1).map { (length: Int($0.0), nullCount: Int($0.1)) }
        let buffers = try metadata.structs(header, 2).map { (offset: Int($0.0), length: Int($0.1)) }
        let bound = Self.maximumLength
        guard (0...bound).contains(length),
            nodes.allSatisfy({ $0.length >= 0 && $0.length <= bound && $0.nullCount >= 0 && $0.nullCount <= $0.length }),
            buffers.allSatisfy({ $0.offset >= 0 && $0.length >= 0 && $0.offset <= body.count - $0.length })
        else { throw Self.malformed("a record batch's lengths or buffers are out of bounds") }
        rows += length
        return Batch(length: length, nodes: nodes, buffers: buffers, body: body)
    }

    /// Reads one message: its header type, metadata, header table and body; nil at end of stream.
    private func nextMessage() throws -> (UInt8, FlatBufferReader, Int, ArrowBody)? {
        guard let prefix = try read(4, allowEnd: true) else {
            // Without the end-of-stream marker a stream cut at a message boundary would look whole.
            throw Self.malformed("the stream ends without its end-of-stream marker")
        }
        var length = Int(prefix.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian })
        if length == 0xFFFF_FFFF {
            guard let size = try read(4, allowEnd: false) else { return nil }
            length = Int(Int32(littleEndian: size.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }))
        }
        if length == 0 { return nil }
        guard length > 0, length <= Self.maximumMetadataBytes else { throw Self.malformed("message length \(length)") }
        let metadata = FlatBufferReader(bytes: [UInt8](try read(length, allowEnd: false)!))
        let message = try metadata.root()
        guard try metadata.scalar(message, 0, as: Int16.self) ?? 0 >= 3 else {
            throw Self.malformed("metadata version older than V4")
        }
        let kind = try metadata.scalar(message, 1, as: UInt8.self) ?? 0
        guard let header = try metadata.object(message, 2) else { throw Self.malformed("a message without a header") }
        let bodyLength = try Int(metadata.scalar(message, 3, as: Int64.self) ?? 0)
        guard bodyLength >= 0, bodyLength <= Self.maximumBodyBytes else {
            throw Self.malformed("body length \(bodyLength)")
        }
        let body = ArrowBody(count: bodyLength)
        if bodyLength > 0 {
            var filled = 0
            while filled < bodyLength {
                let chunk = try handle.read(upToCount: min(bodyLength - filled, 1 << 20)) ?? Data()
                guard !chunk.isEmpty else { throw Self.malformed("the stream ends inside a message body") }
                chunk.withUnsafeBytes { body.pointer.advanced(by: filled).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                filled += chunk.count
            }
        }
        return (kind, metadata, header, body)
    }

    private func read(_ count: Int, allowEnd: Bool) throws -> Data? {
        var data = Data()
        while data.count < count {
            let chunk = try handle.read(upToCount: count - data.count) ?? Data()
            if chunk.isEmpty {
                if data.isEmpty && allowEnd { return nil }
                throw Self.malformed("the stream ends inside a message")
            }
            data.append(chunk)
        }
        return data
    }

    static func malformed(_ what: String) -> DuckDBError {
        DuckDBError(.conversion, "not a readable Arrow IPC stream: \(what)")
    }

    // MARK: Schema

    private static func field(_ buffer: FlatBufferReader, _ table: Int, depth: Int, count: inout Int) throws -> Field {
        guard depth < 32 else { throw malformed("types nested too deeply") }
        count += 1
        guard count <= maximumFields else { throw malformed("more than \(maximumFields) fields") }
        guard try buffer.object(table, 4) == nil else {
            throw malformed("dictionary-encoded columns are not supported")
        }
        let typeID = try buffer.scalar(table, 2, as: UInt8.self) ?? 0
        let type = try buffer.object(table, 3)
        let children = try buffer.tables(table, 5).map { try field(buffer, $0, depth: depth + 1, count: &count) }
        let (format, flags) = try formatString(typeID: typeID, type: type, in: buffer)
        let layout = try ArrowFormat(format: format, flags: flags).layout
        switch layout {
        case .list, .fixedList:
            guard children.count == 1 else { throw malformed("a list type needs one child") }
            if format == "+m" {
                // DuckDB reads a map's entries as a struct of exactly a key and a value.
                guard children[0].format == "+s", children[0].children.count == 2 else {
                    throw malformed("a map's entries must be a struct of a key and a value")
                }
            }
        case .structure: break
        default: guard children.isEmpty else { throw malformed("a flat type with children") }
        }

        let nullable = try buffer.scalar(table, 1, as: UInt8.self) ?? 0 != 0
        return Field(
            name: try buffer.string(table, 0), nullable: nullable,
            format: format, flags: flags | (nullable ? Int64(ARROW_FLAG_NULLABLE) : 0), layout: layout,
            children: children)
    }

    /// The C data interface format string of an IPC `Type` union member (the inverse of ``ArrowFormat``).
    private static func formatString(typeID: UInt8, type: Int?, in buffer: FlatBufferReader) throws -> (String, Int64) {
        func int16(_ id: Int, default value: Int16 = 0) throws -> Int16 {
            try type.flatMap { try buffer.scalar($0, id, as: Int16.self) } ?? value
        }
        func int32(_ id: Int) throws -> Int32? { try type.flatMap { try buffer.scalar($0, id, as: Int32.self) } }
        func unit(_ value: Int16) throws -> String {
            guard (0...3).contains(value) else { throw malformed("time unit \(value)") }
            return ["s", "m", "u", "n"][Int(value)]
        }
        switch typeID {
        case 1: return ("n", 0)
        case 2:
            let bits = try int32(0) ?? 0
            let signed = try type.flatMap { try buffer.scalar($0, 1, as: UInt8.self) } ?? 0 != 0
            let codes: [Int32: String] = [8: "c", 16: "s", 32: "i", 64: "l"]
            guard let code = codes[bits] else { throw malformed("integer width \(bits)") }
            return (signed ? code : code.uppercased(), 0)
        case 3:
            let precision = try int16(0)
            guard (0...2).contains(precision) else { throw malformed("float precision \(precision)") }
            return (["e", "f", "g"][Int(precision)], 0)
        case 4: return ("z", 0)
        case 5: return ("u", 0)
        case 19: return ("Z", 0)
        case 20: return ("U", 0)
        case 6: return ("b", 0)
        case 7:
            let precision = try int32(0) ?? 0
            let scale = try int32(1) ?? 0
            let bits = try int32(2) ?? 128
            guard (1...76).contains(precision), (0...precision).contains(scale) else {
                throw malformed("decimal(\(precision), \(scale))")
            }
            return (bits == 128 ? "d:\(precision),\(scale)" : "d:\(precision),\(scale),\(bits)", 0)
        // Schema.fbs defaults (a writer leaves a default out): Date MILLISECOND, Time MILLISECOND/32 bits,
        // Duration MILLISECOND; Timestamp and Interval default to their first value.
        case 8: return (try (int16(0, default: 1)) == 0 ? "tdD" : "tdm", 0)
        case 9: return ("tt" + (try unit(int16(0, default: 1))), 0)
        case 10:
            let zone = try type.map { try buffer.string($0, 1) } ?? ""
            return ("ts" + (try unit(int16(0))) + ":" + zone, 0)
        case 11:
            let unit = try int16(0)
            guard (0...2).contains(unit) else { throw malformed("interval unit \(unit)") }
            return (["tiM", "tiD", "tin"][Int(unit)], 0)
        case 12: return ("+l", 0)
        case 21: return ("+L", 0)
        case 13: return ("+s", 0)
        case 15: return ("w:\(try int32(0) ?? 0)", 0)
        case 16: return ("+w:\(try int32(0) ?? 0)", 0)
        case 17:
            let sorted = try type.flatMap { try buffer.scalar($0, 0, as: UInt8.self) } ?? 0 != 0
            return ("+m", sorted ? Int64(ARROW_FLAG_MAP_KEYS_SORTED) : 0)
        case 18: return ("tD" + (try unit(int16(0, default: 1))), 0)
        default: throw malformed("Arrow type \(typeID) is not supported")
        }
    }
}

/// A message body: 64-byte aligned memory that lives as long as the arrays pointing into it.
final class ArrowBody: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
    }

    deinit { pointer.deallocate() }
}

/// Bounds-checked reading of a FlatBuffer (the IPC metadata); every offset is checked before it is
/// followed, so a malformed message throws instead of reading out of bounds.
struct FlatBufferReader {
    let bytes: [UInt8]

    func integer(_ at: Int, width: Int) throws -> Int {
        guard at >= 0, width <= 8, at <= bytes.count - width else { throw ArrowIPCReader.malformed("offset \(at)") }
        var raw: UInt64 = 0
        for index in 0..<width { raw |= UInt64(bytes[at + index]) << (8 * index) }
        let shift = UInt64(64 - 8 * width)
        return Int(Int64(bitPattern: raw << shift) >> Int64(shift))
    }

    func root() throws -> Int { try UInt32(truncatingIfNeeded: integer(0, width: 4)).asInt }

    private func fieldPosition(_ table: Int, _ id: Int) throws -> Int? {
        let vtable = table - (try integer(table, width: 4))
        let size = try integer(vtable, width: 2)
        guard 4 + 2 * id < size else { return nil }
        let offset = try integer(vtable + 4 + 2 * id, width: 2)
        return offset <= 0 ? nil : table + offset
    }

    func scalar<T: FixedWidthInteger>(_ table: Int, _ id: Int, as: T.Type) throws -> T? {
        guard let at = try fieldPosition(table, id) else { return nil }
        return T(truncatingIfNeeded: try integer(at, width: MemoryLayout<T>.size))
    }

    func object(_ table: Int, _ id: Int) throws -> Int? {
        guard let at = try fieldPosition(table, id) else { return nil }
        return at + (try UInt32(truncatingIfNeeded: integer(at, width: 4)).asInt)
    }

    func string(_ table: Int, _ id: Int) throws -> String {
        guard let at = try object(table, id) else { return "" }
        let length = try UInt32(truncatingIfNeeded: integer(at, width: 4)).asInt
        guard at + 4 <= bytes.count - length else { throw ArrowIPCReader.malformed("a string out of bounds") }
        return String(decoding: bytes[(at + 4)..<(at + 4 + length)], as: UTF8.self)
    }

    func tables(_ table: Int, _ id: Int) throws -> [Int] {
        guard let vector = try object(table, id) else { return [] }
        let count = try UInt32(truncatingIfNeeded: integer(vector, width: 4)).asInt
        guard count <= (bytes.count - vector - 4) / 4 else { throw ArrowIPCReader.malformed("a vector out of bounds") }
        return try (0..<count).map { index in
            let slot = vector + 4 + 4 * index
            return slot + (try UInt32(truncatingIfNeeded: integer(slot, width: 4)).asInt)
        }
    }

    func structs(_ table: Int, _ id: Int) throws -> [(Int64, Int64)] {
        guard let vector = try object(table, id) else { return [] }
        let count = try UInt32(truncatingIfNeeded: integer(vector, width: 4)).asInt
        guard count <= (bytes.count - vector - 4) / 16 else { throw ArrowIPCReader.malformed("a vector out of bounds") }
        return try (0..<count).map { index in
            let at = vector + 4 + 16 * index
            return (Int64(try integer(at, width: 8)), Int64(try integer(at + 8, width: 8)))
        }
    }
}

extension UInt32 {
    fileprivate var asInt: Int { Int(self) }
}
