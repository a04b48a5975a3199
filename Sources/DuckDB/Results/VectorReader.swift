import CDuckDB
import Foundation

/// Reads values out of one DuckDB vector (a column of a chunk, or a nested child vector).
/// Only valid while the chunk it came from is alive.
public struct VectorReader {
    let vector: duckdb_vector
    let data: UnsafeMutableRawPointer?
    let validity: UnsafeMutablePointer<UInt64>?
    /// The vector's type.
    public let type: DuckDBType

    init(vector: duckdb_vector, type: DuckDBType) {
        self.vector = vector
        self.data = duckdb_vector_get_data(vector)
        self.validity = duckdb_vector_get_validity(vector)
        self.type = type
    }

    /// True when row `row` holds NULL.
    public func isNull(at row: Int) -> Bool {
        guard let validity else { return false }
        return validity[row / 64] & (1 << UInt64(row % 64)) == 0
    }

    /// Loads the fixed-width value of a row (no NULL check).
    @inline(__always)
    public func raw<T>(_: T.Type, at row: Int) -> T {
        data!.load(fromByteOffset: row * MemoryLayout<T>.stride, as: T.self)
    }

    /// A BIGINT column's value at `row` without boxing, or nil for NULL.
    public func int64(at row: Int) -> Int64? { isNull(at: row) ? nil : raw(Int64.self, at: row) }

    /// A DOUBLE column's value at `row` without boxing, or nil for NULL.
    public func double(at row: Int) -> Double? { isNull(at: row) ? nil : raw(Double.self, at: row) }

    /// The text of a VARCHAR/BLOB row (no NULL check).
    public func stringBytes<R>(at row: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let base = data!.advanced(by: row * 16)
        let length = Int(base.load(as: UInt32.self))
        if length <= 12 {
            return body(
                UnsafeBufferPointer(start: base.advanced(by: 4).assumingMemoryBound(to: UInt8.self), count: length))
        }
        let pointer = base.load(fromByteOffset: 8, as: UnsafePointer<UInt8>.self)
        return body(UnsafeBufferPointer(start: pointer, count: length))
    }

    /// A VARCHAR row as a String, or nil for NULL.
    public func string(at row: Int) -> String? {
        isNull(at: row) ? nil : stringBytes(at: row) { String(decoding: $0, as: UTF8.self) }
    }

    /// The typed value at `row`.
    public func value(at row: Int) -> DuckDBValue {
        if isNull(at: row) { return .null }
        switch type {
        case .boolean: return .boolean(raw(UInt8.self, at: row) != 0)
        case .tinyint: return .tinyint(raw(Int8.self, at: row))
        case .smallint: return .smallint(raw(Int16.self, at: row))
        case .integer: return .integer(raw(Int32.self, at: row))
        case .bigint: return .bigint(raw(Int64.self, at: row))
        case .hugeint: return .hugeint(DuckDBHugeInt(hugeint(at: row)))
        case .utinyint: return .utinyint(raw(UInt8.self, at: row))
        case .usmallint: return .usmallint(raw(UInt16.self, at: row))
        case .uinteger: return .uinteger(raw(UInt32.self, at: row))
        case .ubigint: return .ubigint(raw(UInt64.self, at: row))
        case .uhugeint: return .uhugeint(DuckDBUHugeInt(uhugeint(at: row)))
        case .float: return .float(raw(Float.self, at: row))
        case .double: return .double(raw(Double.self, at: row))
        case .decimal(let width, let scale): return .decimal(decimal(at: row, width: width, scale: scale))
        case .varchar: return .varchar(stringBytes(at: row) { String(decoding: $0, as: UTF8.self) })
        case .blob, .bit, .bignum: return .blob(stringBytes(at: row) { Array($0) })
        case .date: return .date(DuckDBDate(days: raw(Int32.self, at: row)))
        case .time: return .time(DuckDBTime(micros: raw(Int64.self, at: row)))
        case .timeNS: return .time(DuckDBTime(micros: raw(Int64.self, at: row) / 1_000))
        case .timeTZ: return .timeTZ(DuckDBTimeTZ(bits: raw(UInt64.self, at: row)))
        case .timestamp: return .timestamp(DuckDBTimestamp(raw(Int64.self, at: row)))
        case .timestampS: return .timestamp(DuckDBTimestamp(raw(Int64.self, at: row), unit: .seconds))
        case .timestampMS: return .timestamp(DuckDBTimestamp(raw(Int64.self, at: row), unit: .milliseconds))
        case .timestampNS: return .timestamp(DuckDBTimestamp(raw(Int64.self, at: row), unit: .nanoseconds))
        case .timestampTZ: return .timestampTZ(DuckDBTimestamp(raw(Int64.self, at: row)))
        case .interval:
            let base = data!.advanced(by: row * 16)
            return .interval(
                DuckDBInterval(
                    months: base.load(as: Int32.self), days: base.load(fromByteOffset: 4, as: Int32.self),
                    micros: base.load(fromByteOffset: 8, as: Int64.self)))
        case .uuid: return .uuid(Self.uuid(fromStored: hugeint(at: row)))
        case .enumeration(let dictionary): return .enumeration(enumLabel(at: row, dictionary: dictionary))
        case .list(let child): return .list(listElements(at: row, child: child))
        case .map(let key, let value):
            let entries = listElements(
                at: row, child: .structure([.init(name: "key", type: key), .init(name: "value", type: value)]))
            return .map(
                entries.map { entry in
                    guard case .structure(let fields) = entry, fields.count == 2 else { return .init(.null, .null) }
                    return .init(fields[0].value, fields[1].value)
                })
        case .array(let child, let size):
            let reader = VectorReader(vector: duckdb_array_vector_get_child(vector), type: child)
            return .array((0..<size).map { reader.value(at: row * size + $0) })
        case .structure(let fields):
            return .structure(
                fields.enumerated().map { index, field in
                    let reader = VectorReader(
                        vector: duckdb_struct_vector_get_child(vector, idx_t(index)), type: field.type)
                    return .init(field.name, reader.value(at: row))
                })
        case .union(let members):
            // A union is stored as a struct whose first child is the tag.
            let tag = Int(
                VectorReader(vector: duckdb_struct_vector_get_child(vector, 0), type: .utinyint).raw(
                    UInt8.self, at: row))
            guard tag < members.count else { return .null }
            let reader = VectorReader(
                vector: duckdb_struct_vector_get_child(vector, idx_t(tag + 1)), type: members[tag].type)
            return .structure([.init(members[tag].name, reader.value(at: row))])
        case .null: return .null
        case .other: return .null
        }
    }

    private func hugeint(at row: Int) -> Int128 {
        let base = data!.advanced(by: row * 16)
        let lower = base.load(as: UInt64.self)
        let upper = base.load(fromByteOffset: 8, as: Int64.self)
        return Int128(upper) << 64 | Int128(lower)
    }

    private func uhugeint(at row: Int) -> UInt128 {
        let base = data!.advanced(by: row * 16)
        return UInt128(base.load(fromByteOffset: 8, as: UInt64.self)) << 64 | UInt128(base.load(as: UInt64.self))
    }

    private func decimal(at row: Int, width: UInt8, scale: UInt8) -> DuckDBDecimal {
        let unscaled: Int128 =
            switch width {
            case ...4: Int128(raw(Int16.self, at: row))
            case ...9: Int128(raw(Int32.self, at: row))
            case ...18: Int128(raw(Int64.self, at: row))
            default: hugeint(at: row)
            }
        return DuckDBDecimal(unscaled: unscaled, width: width, scale: scale)
    }

    private func enumLabel(at row: Int, dictionary: [String]) -> String {
        let index: Int =
            switch dictionary.count {
            case ...Int(UInt8.max): Int(raw(UInt8.self, at: row))
            case ...Int(UInt16.max): Int(raw(UInt16.self, at: row))
            default: Int(raw(UInt32.self, at: row))
            }
        return index < dictionary.count ? dictionary[index] : ""
    }

    private func listElements(at row: Int, child: DuckDBType) -> [DuckDBValue] {
        let entry = raw(duckdb_list_entry.self, at: row)
        let reader = VectorReader(vector: duckdb_list_vector_get_child(vector), type: child)
        return (0..<Int(entry.length)).map { reader.value(at: Int(entry.offset) + $0) }
    }

    /// DuckDB stores a UUID as a hugeint with the top bit flipped (so that it sorts as unsigned).
    static func uuid(fromStored stored: Int128) -> UUID {
        let natural = UInt128(truncatingIfNeeded: stored) ^ (UInt128(1) << 127)
        return uuid(from: natural)
    }

    static func uuid(from natural: UInt128) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<16 { bytes[index] = UInt8(truncatingIfNeeded: natural >> UInt128(8 * (15 - index))) }
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    static func natural(of uuid: UUID) -> UInt128 {
        withUnsafeBytes(of: uuid.uuid) { bytes in bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) } }
    }
}
