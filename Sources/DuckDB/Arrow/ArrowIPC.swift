import CDuckDB

/// Arrow's IPC streaming format (https://arrow.apache.org/docs/format/Columnar.html#ipc-streaming-format)
/// written from Arrow C data interface structures: a Schema message, one RecordBatch message per
/// array, and the end-of-stream marker. Each message is the continuation marker, the length of its
/// FlatBuffer metadata (padded to 8 bytes), the metadata, and the body, whose buffers are 8-aligned.
/// Uncompressed, little-endian, metadata version V5, no dictionaries.
enum ArrowIPC {
    /// The end-of-stream marker.
    static let endOfStream: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]

    /// The Schema message for a struct schema whose children are the columns.
    static func schemaMessage(_ schema: ArrowSchema) throws -> [UInt8] {
        let fields = try children(of: schema).map(field)
        let header: FlatBuffer.Object = .table([.int16(0), .object(.tables(fields))])
        return message(headerType: 1, header: header, body: [])
    }

    /// The RecordBatch message of one struct array (one chunk) of `schema`.
    static func recordBatchMessage(schema: ArrowSchema, array: ArrowArray) throws -> [UInt8] {
        var batch = Batch()
        let columns = try children(of: schema)
        guard array.n_children == columns.count, array.offset == 0 else {
            throw DuckDBError(.execute, "an Arrow array does not match its schema")
        }
        for (index, column) in columns.enumerated() {
            guard let child = array.children?[index] else { throw DuckDBError(.execute, "an Arrow column is missing") }
            try batch.append(schema: column, array: child.pointee)
        }
        let header: FlatBuffer.Object = .table([
            .int64(array.length), .object(.structs(batch.nodes, count: batch.nodeCount)),
            .object(.structs(batch.buffers, count: batch.bufferCount)),
        ])
        return message(headerType: 3, header: header, body: batch.body)
    }

    static func message(headerType: UInt8, header: FlatBuffer.Object, body: [UInt8]) -> [UInt8] {
        let metadata = FlatBuffer.encode(
            .table([.int16(4), .uint8(headerType), .object(header), .int64(Int64(body.count))]))
        return [0xFF, 0xFF, 0xFF, 0xFF] + FlatBuffer.littleEndian(Int32(metadata.count)) + metadata + body
    }

    static func children(of schema: ArrowSchema) throws -> [ArrowSchema] {
        (0..<Int(schema.n_children)).compactMap { schema.children?[$0]?.pointee }
    }

    /// A `Field` table for a schema node and its children.
    static func field(_ schema: ArrowSchema) throws -> FlatBuffer.Object {
        guard schema.dictionary == nil else {
            throw DuckDBError(.execute, "dictionary-encoded Arrow columns cannot be written here")
        }
        let format = try ArrowFormat(format: String(cString: schema.format), flags: schema.flags)
        let name = schema.name.map { String(cString: $0) } ?? ""
        let children = try children(of: schema).map(field)
        let metadata = metadataPairs(schema.metadata).map { key, value -> FlatBuffer.Object in
            .table([.object(.string(key)), .object(.string(value))])
        }
        return .table([
            .object(.string(name)), .bool(schema.flags & Int64(ARROW_FLAG_NULLABLE) != 0), .uint8(format.typeID),
            .object(format.type), nil, .object(.tables(children)), metadata.isEmpty ? nil : .object(.tables(metadata)),
        ])
    }

    /// Decodes the C data interface's metadata: int32 count, then int32-length-prefixed keys and values.
    static func metadataPairs(_ pointer: UnsafePointer<CChar>?) -> [(String, String)] {
        guard let pointer else { return [] }
        let raw = UnsafeRawPointer(pointer)
        var position = 0
        func int32() -> Int {
            defer { position += 4 }
            return Int(raw.loadUnaligned(fromByteOffset: position, as: Int32.self))
        }
        func text(_ length: Int) -> String {
            defer { position += length }
            let bytes = UnsafeRawBufferPointer(start: raw + position, count: length)
            return String(decoding: bytes, as: UTF8.self)
        }
        let count = int32()
        var pairs: [(String, String)] = []
        for _ in 0..<max(0, count) {
            let key = text(int32())
            let value = text(int32())
            pairs.append((key, value))
        }
        return pairs
    }

    /// A record batch's field nodes, buffer descriptors and body, built depth first.
    struct Batch {
        var nodes: [UInt8] = []
        var nodeCount = 0
        var buffers: [UInt8] = []
        var bufferCount = 0
        var body: [UInt8] = []

        mutating func append(schema: ArrowSchema, array: ArrowArray) throws {
            let format = try ArrowFormat(format: String(cString: schema.format), flags: schema.flags)
            guard array.offset == 0 else { throw DuckDBError(.execute, "Arrow arrays with an offset are not written") }
            let length = Int(array.length)
            let validity = array.n_buffers > 0 ? array.buffers?[0] : nil
            var nullCount = Int(array.null_count)
            if nullCount < 0 { nullCount = validity.map { Self.nulls(in: $0, length: length) } ?? 0 }
            nodes += FlatBuffer.littleEndian(Int64(length)) + FlatBuffer.littleEndian(Int64(nullCount))
            nodeCount += 1
            guard format.layout != .null else { return }
            addBuffer(nullCount > 0 ? validity : nil, length: nullCount > 0 ? (length + 7) / 8 : 0)
            let buffer = { (index: Int) -> UnsafeRawPointer? in
                index < Int(array.n_buffers) ? array.buffers?[index] : nil
            }
            let children = try ArrowIPC.children(of: schema)
            switch format.layout {
            case .null: break
            case .bits: addBuffer(buffer(1), length: (length + 7) / 8)
            case .fixed(let width): addBuffer(buffer(1), length: length * width)
            case .variable(let offsetWidth):
                addBuffer(buffer(1), length: (length + 1) * offsetWidth)
                addBuffer(buffer(2), length: Self.lastOffset(buffer(1), length: length, width: offsetWidth))
            case .list(let offsetWidth):
                addBuffer(buffer(1), length: (length + 1) * offsetWidth)
                try appendChildren(children, of: array)
            case .fixedList, .structure:
                try appendChildren(children, of: array)
            }
        }

        private mutating func appendChildren(_ children: [ArrowSchema], of array: ArrowArray) throws {
            guard Int(array.n_children) == children.count else {
                throw DuckDBError(.execute, "an Arrow array does not match its schema")
            }
            for (index, child) in children.enumerated() {
                guard let value = array.children?[index] else {
                    throw DuckDBError(.execute, "an Arrow child is missing")
                }
                try append(schema: child, array: value.pointee)
            }
        }

        /// Copies `length` bytes (zeros when the pointer is null) into the body, 8-aligned.
        private mutating func addBuffer(_ pointer: UnsafeRawPointer?, length: Int) {
            let offset = body.count
            if length > 0 {
                if let pointer {
                    body.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
                } else {
                    body.append(contentsOf: repeatElement(0, count: length))
                }
                while body.count % 8 != 0 { body.append(0) }
            }
            buffers += FlatBuffer.littleEndian(Int64(offset)) + FlatBuffer.littleEndian(Int64(length))
            bufferCount += 1
        }

        static func lastOffset(_ offsets: UnsafeRawPointer?, length: Int, width: Int) -> Int {
            guard let offsets else { return 0 }
            if width == 8 { return Int(offsets.loadUnaligned(fromByteOffset: length * 8, as: Int64.self)) }
            return Int(offsets.loadUnaligned(fromByteOffset: length * 4, as: Int32.self))
        }

        static func nulls(in bitmap: UnsafeRawPointer, length: Int) -> Int {
            let bytes = bitmap.assumingMemoryBound(to: UInt8.self)
            var valid = 0
            for index in 0..<length where bytes[index / 8] & (1 << (index % 8)) != 0 { valid += 1 }
            return length - valid
        }
    }
}
