/// The little of FlatBuffers that Arrow IPC metadata needs, written front to back: each table is
/// preceded by its vtable and followed by the objects it points to, so every offset points forward
/// (as the format requires) and is patched once its target is written. Scalars are aligned to their
/// size from the buffer start; tables and struct vectors start on 8 bytes.
enum FlatBuffer {
    /// One field of a table: an inline scalar, or an offset to an object.
    enum Field {
        case scalar([UInt8])
        case object(Object)

        static func bool(_ value: Bool) -> Field { .scalar([value ? 1 : 0]) }
        static func uint8(_ value: UInt8) -> Field { .scalar([value]) }
        static func int16(_ value: Int16) -> Field { .scalar(littleEndian(value)) }
        static func int32(_ value: Int32) -> Field { .scalar(littleEndian(value)) }
        static func int64(_ value: Int64) -> Field { .scalar(littleEndian(value)) }
    }

    /// Something a field or vector points to.
    indirect enum Object {
        /// A table: fields by id, nil where absent.
        case table([Field?])
        /// A UTF-8 string.
        case string(String)
        /// A vector of tables.
        case tables([Object])
        /// A vector of 16-byte, 8-aligned structs, given as their bytes.
        case structs([UInt8], count: Int)
    }

    /// The bytes of a buffer whose root is `root`, padded to 8 bytes.
    static func encode(_ root: Object) -> [UInt8] {
        var writer = Writer()
        writer.bytes = [0, 0, 0, 0]
        let position = writer.write(root)
        writer.patch(at: 0, to: position)
        writer.pad(to: 8)
        return writer.bytes
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    struct Writer {
        var bytes: [UInt8] = []

        mutating func pad(to alignment: Int) {
            while bytes.count % alignment != 0 { bytes.append(0) }
        }

        /// Writes a forward offset at `position` to `target`.
        mutating func patch(at position: Int, to target: Int) {
            let value = FlatBuffer.littleEndian(UInt32(target - position))
            bytes.replaceSubrange(position..<(position + 4), with: value)
        }

        mutating func write(_ object: Object) -> Int {
            switch object {
            case .string(let text):
                pad(to: 4)
                let position = bytes.count
                let utf8 = Array(text.utf8)
                bytes += FlatBuffer.littleEndian(UInt32(utf8.count)) + utf8 + [0]
                return position
            case .structs(let data, let count):
                while (bytes.count + 4) % 8 != 0 { bytes.append(0) }
                let position = bytes.count
                bytes += FlatBuffer.littleEndian(UInt32(count)) + data
                return position
            case .tables(let items):
                pad(to: 4)
                let position = bytes.count
                bytes += FlatBuffer.littleEndian(UInt32(items.count))
                let slots = items.indices.map { position + 4 + 4 * $0 }
                bytes += [UInt8](repeating: 0, count: 4 * items.count)
                for (slot, item) in zip(slots, items) {
                    let target = write(item)
                    patch(at: slot, to: target)
                }
                return position
            case .table(let fields):
                return writeTable(fields)
            }
        }

        private mutating func writeTable(_ fields: [Field?]) -> Int {
            // Inline layout: the vtable offset, then fields from the widest down (aligned within an
            // 8-aligned table, so aligned in the buffer too).
            var slots: [(id: Int, offset: Int, bytes: [UInt8], object: Object?)] = []
            let order = fields.indices.compactMap { id -> (Int, Int)? in
                guard let field = fields[id] else { return nil }
                switch field {
                case .scalar(let value): return (id, value.count)
                case .object: return (id, 4)
                }
            }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            var size = 4
            for (id, width) in order {
                while size % width != 0 { size += 1 }
                switch fields[id]! {
                case .scalar(let value): slots.append((id, size, value, nil))
                case .object(let object): slots.append((id, size, [0, 0, 0, 0], object))
                }
                size += width
            }
            let fieldCount = (fields.lastIndex { $0 != nil } ?? -1) + 1
            pad(to: 2)
            let vtable = bytes.count
            var offsets = [UInt16](repeating: 0, count: fieldCount)
            for slot in slots { offsets[slot.id] = UInt16(slot.offset) }
            bytes += FlatBuffer.littleEndian(UInt16(4 + 2 * fieldCount)) + FlatBuffer.littleEndian(UInt16(size))
            for offset in offsets { bytes += FlatBuffer.littleEndian(offset) }
            pad(to: 8)
            let table = bytes.count
            var inline = [UInt8](repeating: 0, count: size)
            inline.replaceSubrange(0..<4, with: FlatBuffer.littleEndian(Int32(table - vtable)))
            for slot in slots {
                inline.replaceSubrange(slot.offset..<(slot.offset + slot.bytes.count), with: slot.bytes)
            }
            bytes += inline
            for slot in slots {
                guard let object = slot.object else { continue }
                let target = write(object)
                patch(at: table + slot.offset, to: target)
            }
            return table
        }
    }
}
