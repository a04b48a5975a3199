import CDuckDB
import Foundation

extension Database {
    /// Writes the Arrow IPC stream in `stream` to a parquet file at `parquet` and returns its rows.
    ///
    /// The stream is handed to DuckDB as an `ArrowArrayStream` (Arrow's C stream interface) whose
    /// batches point straight into each message body read from the file, and DuckDB's own `COPY … TO`
    /// writes the parquet, batch by batch: the table is never held in memory whole. Runs in a private
    /// in-memory database, so nothing is left in any database file. Blocking.
    ///
    /// ```swift
    /// let rows = try Database.copyArrowStream(at: download, toParquet: snapshot)
    /// ```
    public static func copyArrowStream(at stream: URL, toParquet parquet: URL) throws -> Int {
        let reader = try ArrowIPCReader(file: stream)
        let source = ArrowStreamSource(reader: reader)
        let database = try Database(options: ["threads": "1"])
        let connection = try database.connect()
        let cStream = UnsafeMutablePointer<ArrowArrayStream>.allocate(capacity: 1)
        cStream.initialize(
            to: ArrowArrayStream(
                get_schema: arrowStreamSchema, get_next: arrowStreamNext, get_last_error: arrowStreamLastError,
                release: arrowStreamRelease, private_data: Unmanaged.passRetained(source).toOpaque()))
        defer {
            cStream.pointee.release?(cStream)
            cStream.deallocate()
        }
        let view = "arrow_stream"
        let handle = UnsafeMutableRawPointer(cStream).assumingMemoryBound(to: _duckdb_arrow_stream.self)
        guard duckdb_arrow_scan(connection.handle, view, handle) == 0 else {
            throw source.error ?? DuckDBError(.conversion, "DuckDB did not accept the Arrow stream")
        }
        do {
            try connection.execute(
                "COPY (SELECT * FROM \(view)) TO '\(parquet.path.replacingOccurrences(of: "'", with: "''"))' (FORMAT parquet)"
            )
        } catch {
            throw source.error ?? error
        }
        if let error = source.error { throw error }
        return reader.rows
    }
}

/// The state behind one `ArrowArrayStream`: the reader, and the first error (kept for
/// `get_last_error` and rethrown to the caller).
final class ArrowStreamSource {
    let reader: ArrowIPCReader
    var error: (any Error)?
    var errorText: UnsafeMutablePointer<CChar>?

    init(reader: ArrowIPCReader) { self.reader = reader }

    deinit { free(errorText) }

    func fail(_ error: any Error) -> Int32 {
        if self.error == nil {
            self.error = error
            errorText = strdup("\(error)")
        }
        return EIO
    }

    static func from(_ stream: UnsafeMutablePointer<ArrowArrayStream>?) -> ArrowStreamSource? {
        guard let context = stream?.pointee.private_data else { return nil }
        return Unmanaged<ArrowStreamSource>.fromOpaque(context).takeUnretainedValue()
    }
}

/// Memory behind one exported schema or batch, freed when its root is released.
final class ArrowExport {
    var body: ArrowBody?
    var schemas: [UnsafeMutablePointer<ArrowSchema>] = []
    var arrays: [UnsafeMutablePointer<ArrowArray>] = []
    var pointerLists: [UnsafeMutableRawPointer] = []
    var strings: [UnsafeMutablePointer<CChar>] = []
    /// An offsets buffer of zeros, for empty variable-length arrays whose IPC buffer is empty.
    lazy var zeros: UnsafeMutableRawPointer = {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: 16)
        pointerLists.append(pointer)
        return pointer
    }()

    deinit {
        schemas.forEach { $0.deallocate() }
        arrays.forEach { $0.deallocate() }
        pointerLists.forEach { $0.deallocate() }
        strings.forEach { free($0) }
    }

    func string(_ text: String) -> UnsafePointer<CChar> {
        let copy = strdup(text)!
        strings.append(copy)
        return UnsafePointer(copy)
    }

    func list<T>(_ items: [T]) -> UnsafeMutablePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(items.count, 1))
        pointer.initialize(from: items, count: items.count)
        pointerLists.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    // MARK: Schema

    /// The C schema of `fields` as one struct, released through its root.
    func schema(of fields: [ArrowIPCReader.Field], into out: UnsafeMutablePointer<ArrowSchema>) {
        let children = fields.map(schema)
        out.initialize(
            to: ArrowSchema(
                format: string("+s"), name: string(""), metadata: nil, flags: 0, n_children: Int64(children.count),
                children: list(children.map(Optional.some)), dictionary: nil, release: releaseArrowExportSchema,
                private_data: Unmanaged.passRetained(self).toOpaque()))
    }

    private func schema(_ field: ArrowIPCReader.Field) -> UnsafeMutablePointer<ArrowSchema> {
        let children = field.children.map(schema)
        let node = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
        schemas.append(node)
        node.initialize(
            to: ArrowSchema(
                format: string(field.format), name: string(field.name), metadata: nil, flags: field.flags,
                n_children: Int64(children.count), children: children.isEmpty ? nil : list(children.map(Optional.some)),
                dictionary: nil, release: releaseArrowExportChild, private_data: nil))
        return node
    }

    // MARK: Arrays

    /// The C array of one batch as one struct array, pointing into the batch's body.
    func array(
        of batch: ArrowIPCReader.Batch, fields: [ArrowIPCReader.Field], into out: UnsafeMutablePointer<ArrowArray>
    ) throws {
        body = batch.body
        var cursor = (node: 0, buffer: 0)
        let children = try fields.map { field -> UnsafeMutablePointer<ArrowArray> in
            let child = try array(field, batch, &cursor)
            guard child.pointee.length >= batch.length else {
                throw ArrowIPCReader.malformed("column \(field.name) is shorter than its batch")
            }
            return child
        }
        guard cursor.node == batch.nodes.count, cursor.buffer == batch.buffers.count else {
            throw ArrowIPCReader.malformed("a record batch does not match its schema")
        }
        let validity: UnsafeRawPointer? = nil
        out.initialize(
            to: ArrowArray(
                length: Int64(batch.length), null_count: 0, offset: 0, n_buffers: 1,
                n_children: Int64(children.count), buffers: list([validity]),
                children: list(children.map(Optional.some)), dictionary: nil, release: releaseArrowExportArray,
                private_data: Unmanaged.passRetained(self).toOpaque()))
    }

    private func array(
        _ field: ArrowIPCReader.Field, _ batch: ArrowIPCReader.Batch, _ cursor: inout (node: Int, buffer: Int)
    ) throws -> UnsafeMutablePointer<ArrowArray> {
        guard cursor.node < batch.nodes.count else { throw ArrowIPCReader.malformed("too few field nodes") }
        let node = batch.nodes[cursor.node]
        cursor.node += 1
        let base = batch.body.pointer
        func take(atLeast bytes: Int) throws -> UnsafeRawPointer? {
            guard cursor.buffer < batch.buffers.count else { throw ArrowIPCReader.malformed("too few buffers") }
            let buffer = batch.buffers[cursor.buffer]
            cursor.buffer += 1
            guard buffer.length >= bytes else {
                throw ArrowIPCReader.malformed("a buffer of column \(field.name) is too short")
            }
            return buffer.length == 0 ? nil : UnsafeRawPointer(base + buffer.offset)
        }
        func offsets(width: Int) throws -> (pointer: UnsafeRawPointer, last: Int) {
            let given = try take(atLeast: node.length == 0 ? 0 : (node.length + 1) * width)
            // An empty array reads one offset: from our zeros unless the buffer holds a whole one.
            let pointer = node.length == 0 ? UnsafeRawPointer(zeros) : given!
            var previous = 0
            for index in 0...node.length {
                let value =
                    width == 8
                    ? Int(pointer.loadUnaligned(fromByteOffset: index * 8, as: Int64.self))
                    : Int(pointer.loadUnaligned(fromByteOffset: index * 4, as: Int32.self))
                guard value >= previous || index == 0, value >= 0 else {
                    throw ArrowIPCReader.malformed("the offsets of column \(field.name) go backwards")
                }
                previous = value
                if node.length == 0 { break }
            }
            return (pointer, previous)
        }
        var buffers: [UnsafeRawPointer?] = []
        var children: [UnsafeMutablePointer<ArrowArray>] = []
        if field.layout != .null {
            let validity = try take(atLeast: node.nullCount > 0 ? (node.length + 7) / 8 : 0)
            buffers.append(node.nullCount > 0 ? validity : nil)
        }
        switch field.layout {
        case .null: break
        case .bits: buffers.append(try take(atLeast: (node.length + 7) / 8))
        case .fixed(let width): buffers.append(try take(atLeast: node.length * width))
        case .variable(let width):
            let (pointer, last) = try offsets(width: width)
            buffers.append(pointer)
            buffers.append(try take(atLeast: last) ?? UnsafeRawPointer(zeros))
        case .list(let width):
            let (pointer, last) = try offsets(width: width)
            buffers.append(pointer)
            let child = try array(field.children[0], batch, &cursor)
            guard child.pointee.length >= last else { throw ArrowIPCReader.malformed("a list child is too short") }
            children.append(child)
        case .fixedList(let size):
            let child = try array(field.children[0], batch, &cursor)
            let (needed, overflow) = node.length.multipliedReportingOverflow(by: size)
            guard !overflow, child.pointee.length >= needed else {
                throw ArrowIPCReader.malformed("a fixed-size list child is too short")
            }
            children.append(child)
        case .structure:
            for member in field.children {
                let child = try array(member, batch, &cursor)
                guard child.pointee.length >= node.length else {
                    throw ArrowIPCReader.malformed("a struct member is too short")
                }
                children.append(child)
            }
        }
        let result = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        arrays.append(result)
        result.initialize(
            to: ArrowArray(
                length: Int64(node.length), null_count: Int64(node.nullCount), offset: 0,
                n_buffers: Int64(buffers.count), n_children: Int64(children.count), buffers: list(buffers),
                children: children.isEmpty ? nil : list(children.map(Optional.some)), dictionary: nil,
                release: releaseArrowExportChildArray, private_data: nil))
        return result
    }
}

// MARK: C callbacks (no captures: the state travels in private_data)

private let arrowStreamSchema: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?, UnsafeMutablePointer<ArrowSchema>?) -> Int32 = {
    stream, out in
    guard let source = ArrowStreamSource.from(stream), let out else { return EINVAL }
    ArrowExport().schema(of: source.reader.fields, into: out)
    return 0
}

private let arrowStreamNext: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?, UnsafeMutablePointer<ArrowArray>?) -> Int32 = {
    stream, out in
    guard let source = ArrowStreamSource.from(stream), let out else { return EINVAL }
    do {
        guard let batch = try source.reader.nextBatch() else {
            out.initialize(to: ArrowArray())  // release == nil: the end of the stream
            return 0
        }
        try ArrowExport().array(of: batch, fields: source.reader.fields, into: out)
        return 0
    } catch {
        return source.fail(error)
    }
}

private let arrowStreamLastError: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?) -> UnsafePointer<CChar>? = {
    stream in
    ArrowStreamSource.from(stream)?.errorText.map { UnsafePointer($0) }
}

private let arrowStreamRelease: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?) -> Void = { stream in
    guard let stream, let context = stream.pointee.private_data else { return }
    Unmanaged<ArrowStreamSource>.fromOpaque(context).release()
    stream.pointee.private_data = nil
    stream.pointee.release = nil
}

private let releaseArrowExportSchema: @convention(c) (UnsafeMutablePointer<ArrowSchema>?) -> Void = { schema in
    guard let schema, let context = schema.pointee.private_data else { return }
    schema.pointee.release = nil
    schema.pointee.private_data = nil
    Unmanaged<ArrowExport>.fromOpaque(context).release()
}

private let releaseArrowExportArray: @convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void = { array in
    guard let array, let context = array.pointee.private_data else { return }
    array.pointee.release = nil
    array.pointee.private_data = nil
    Unmanaged<ArrowExport>.fromOpaque(context).release()
}

/// Children are owned by their root's ``ArrowExport``: releasing one only marks it released.
private let releaseArrowExportChild: @convention(c) (UnsafeMutablePointer<ArrowSchema>?) -> Void = { schema in
    schema?.pointee.release = nil
}

private let releaseArrowExportChildArray: @convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void = { array in
    array?.pointee.release = nil
}
