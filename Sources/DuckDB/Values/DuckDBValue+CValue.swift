import CDuckDB
import Foundation

extension DuckDBValue {
    /// Creates an owned C value (the caller destroys it).
    func makeCValue() throws -> duckdb_value {
        let created: duckdb_value? =
            switch self {
            case .null: duckdb_create_null_value()
            case .boolean(let v): duckdb_create_bool(v)
            case .tinyint(let v): duckdb_create_int8(v)
            case .smallint(let v): duckdb_create_int16(v)
            case .integer(let v): duckdb_create_int32(v)
            case .bigint(let v): duckdb_create_int64(v)
            case .hugeint(let v): duckdb_create_hugeint(duckdb_hugeint(lower: v.lower, upper: v.upper))
            case .utinyint(let v): duckdb_create_uint8(v)
            case .usmallint(let v): duckdb_create_uint16(v)
            case .uinteger(let v): duckdb_create_uint32(v)
            case .ubigint(let v): duckdb_create_uint64(v)
            case .uhugeint(let v): duckdb_create_uhugeint(duckdb_uhugeint(lower: v.lower, upper: v.upper))
            case .float(let v): duckdb_create_float(v)
            case .double(let v): duckdb_create_double(v)
            case .decimal(let d):
                duckdb_create_decimal(duckdb_decimal(width: d.width, scale: d.scale, value: Self.cHugeint(d.unscaled)))
            case .varchar(let text), .enumeration(let text):
                text.utf8CString.withUnsafeBufferPointer { buffer in
                    duckdb_create_varchar_length(buffer.baseAddress, idx_t(buffer.count - 1))
                }
            case .blob(let bytes):
                bytes.withUnsafeBufferPointer {
                    duckdb_create_blob($0.baseAddress ?? UnsafePointer(bitPattern: 1), idx_t($0.count))
                }
            case .date(let d): duckdb_create_date(duckdb_date(days: d.days))
            case .time(let t): duckdb_create_time(duckdb_time(micros: t.micros))
            case .timeTZ(let t): duckdb_create_time_tz_value(duckdb_time_tz(bits: t.bits))
            case .timestamp(let t):
                switch t.unit {
                case .seconds: duckdb_create_timestamp_s(duckdb_timestamp_s(seconds: t.value))
                case .milliseconds: duckdb_create_timestamp_ms(duckdb_timestamp_ms(millis: t.value))
                case .microseconds: duckdb_create_timestamp(duckdb_timestamp(micros: t.value))
                case .nanoseconds: duckdb_create_timestamp_ns(duckdb_timestamp_ns(nanos: t.value))
                }
            case .timestampTZ(let t): duckdb_create_timestamp_tz(duckdb_timestamp(micros: t.micros))
            case .interval(let i):
                duckdb_create_interval(duckdb_interval(months: i.months, days: i.days, micros: i.micros))
            case .uuid(let uuid): duckdb_create_uuid(Self.cUhugeint(VectorReader.natural(of: uuid)))
            case .list(let elements), .array(let elements): try Self.makeList(elements)
            case .structure(let fields): try Self.makeStruct(fields)
            case .map(let entries): try Self.makeMap(entries)
            }
        guard let created else { throw DuckDBError(.conversion, "could not convert \(self) to a DuckDB value") }
        return created
    }

    private static func cHugeint(_ value: Int128) -> duckdb_hugeint {
        duckdb_hugeint(lower: UInt64(truncatingIfNeeded: value), upper: Int64(truncatingIfNeeded: value >> 64))
    }

    private static func cUhugeint(_ value: UInt128) -> duckdb_uhugeint {
        duckdb_uhugeint(lower: UInt64(truncatingIfNeeded: value), upper: UInt64(truncatingIfNeeded: value >> 64))
    }

    /// Converts `values`, runs `body` with them, then destroys them all.
    private static func withCValues<T>(_ values: [DuckDBValue], _ body: ([duckdb_value?]) throws -> T) throws -> T {
        var created: [duckdb_value?] = []
        defer { for index in created.indices { duckdb_destroy_value(&created[index]) } }
        for value in values { created.append(try value.makeCValue()) }
        return try body(created)
    }

    /// The logical type of the first non-NULL value (owned; VARCHAR when there is none).
    private static func elementType(_ values: [duckdb_value?], _ originals: [DuckDBValue]) -> duckdb_logical_type? {
        if let index = originals.firstIndex(where: { !$0.isNull }), let value = values[index] {
            // duckdb_get_value_type returns a borrowed type; make an owned copy by rebuilding from the id
            // is not possible for nested types, so wrap it in a list type and read the child back.
            var list: duckdb_logical_type? = duckdb_create_list_type(duckdb_get_value_type(value))
            defer { duckdb_destroy_logical_type(&list) }
            return duckdb_list_type_child_type(list)
        }
        return duckdb_create_logical_type(TypeID.varchar)
    }

    private static func makeList(_ elements: [DuckDBValue]) throws -> duckdb_value? {
        try withCValues(elements) { values in
            var type = elementType(values, elements)
            defer { duckdb_destroy_logical_type(&type) }
            var mutable = values
            return mutable.withUnsafeMutableBufferPointer { buffer in
                duckdb_create_list_value(type, buffer.baseAddress, idx_t(buffer.count))
            }
        }
    }

    private static func makeStruct(_ fields: [StructField]) throws -> duckdb_value? {
        try withCValues(fields.map(\.value)) { values in
            var types: [duckdb_logical_type?] = values.indices.map { elementType([values[$0]], [fields[$0].value]) }
            defer { for index in types.indices { duckdb_destroy_logical_type(&types[index]) } }
            let names = fields.map { strdup($0.name) }
            defer { names.forEach { free($0) } }
            var namePointers: [UnsafePointer<CChar>?] = names.map { UnsafePointer($0) }
            var structType = types.withUnsafeMutableBufferPointer { typeBuffer in
                namePointers.withUnsafeMutableBufferPointer { nameBuffer in
                    duckdb_create_struct_type(typeBuffer.baseAddress, nameBuffer.baseAddress, idx_t(fields.count))
                }
            }
            defer { duckdb_destroy_logical_type(&structType) }
            var mutable = values
            return mutable.withUnsafeMutableBufferPointer { duckdb_create_struct_value(structType, $0.baseAddress) }
        }
    }

    private static func makeMap(_ entries: [MapEntry]) throws -> duckdb_value? {
        try withCValues(entries.map(\.key)) { keys in
            try withCValues(entries.map(\.value)) { values in
                var keyType = elementType(keys, entries.map(\.key))
                var valueType = elementType(values, entries.map(\.value))
                var mapType = duckdb_create_map_type(keyType, valueType)
                defer {
                    duckdb_destroy_logical_type(&keyType)
                    duckdb_destroy_logical_type(&valueType)
                    duckdb_destroy_logical_type(&mapType)
                }
                var mutableKeys = keys
                var mutableValues = values
                return mutableKeys.withUnsafeMutableBufferPointer { keyBuffer in
                    mutableValues.withUnsafeMutableBufferPointer { valueBuffer in
                        duckdb_create_map_value(
                            mapType, keyBuffer.baseAddress, valueBuffer.baseAddress, idx_t(entries.count))
                    }
                }
            }
        }
    }
}
