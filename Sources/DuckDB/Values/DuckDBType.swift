import CDuckDB

/// A DuckDB logical type, as read from a result column.
public indirect enum DuckDBType: Sendable, Hashable, CustomStringConvertible {
    case boolean
    case tinyint, smallint, integer, bigint, hugeint
    case utinyint, usmallint, uinteger, ubigint, uhugeint
    case float, double
    case decimal(width: UInt8, scale: UInt8)
    case varchar, blob, bit, bignum
    case date, time, timeNS, timeTZ
    case timestamp, timestampS, timestampMS, timestampNS, timestampTZ
    case interval, uuid
    case enumeration([String])
    case list(DuckDBType)
    case array(DuckDBType, size: Int)
    case structure([Field])
    case map(key: DuckDBType, value: DuckDBType)
    case union([Field])
    case null
    /// A type this binding does not decode; values read as their text where possible.
    case other(id: Int32)

    /// A named member of a STRUCT or UNION type.
    public struct Field: Sendable, Hashable {
        /// The member name.
        public let name: String
        /// The member type.
        public let type: DuckDBType
        /// Creates a member.
        public init(name: String, type: DuckDBType) {
            self.name = name
            self.type = type
        }
    }

    /// The type's SQL spelling, e.g. `DECIMAL(18,3)` or `STRUCT(a INTEGER, b VARCHAR[])`.
    public var description: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .tinyint: "TINYINT"
        case .smallint: "SMALLINT"
        case .integer: "INTEGER"
        case .bigint: "BIGINT"
        case .hugeint: "HUGEINT"
        case .utinyint: "UTINYINT"
        case .usmallint: "USMALLINT"
        case .uinteger: "UINTEGER"
        case .ubigint: "UBIGINT"
        case .uhugeint: "UHUGEINT"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .decimal(let width, let scale): "DECIMAL(\(width),\(scale))"
        case .varchar: "VARCHAR"
        case .blob: "BLOB"
        case .bit: "BIT"
        case .bignum: "BIGNUM"
        case .date: "DATE"
        case .time: "TIME"
        case .timeNS: "TIME_NS"
        case .timeTZ: "TIME WITH TIME ZONE"
        case .timestamp: "TIMESTAMP"
        case .timestampS: "TIMESTAMP_S"
        case .timestampMS: "TIMESTAMP_MS"
        case .timestampNS: "TIMESTAMP_NS"
        case .timestampTZ: "TIMESTAMP WITH TIME ZONE"
        case .interval: "INTERVAL"
        case .uuid: "UUID"
        case .enumeration(let values): "ENUM(" + values.map { "'\($0)'" }.joined(separator: ", ") + ")"
        case .list(let child): "\(child)[]"
        case .array(let child, let size): "\(child)[\(size)]"
        case .structure(let fields): "STRUCT(" + fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + ")"
        case .map(let key, let value): "MAP(\(key), \(value))"
        case .union(let fields): "UNION(" + fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + ")"
        case .null: "NULL"
        case .other(let id): "TYPE\(id)"
        }
    }

    /// True for the integer and floating-point types and DECIMAL.
    public var isNumeric: Bool {
        switch self {
        case .tinyint, .smallint, .integer, .bigint, .hugeint, .utinyint, .usmallint, .uinteger, .ubigint,
            .uhugeint, .float, .double, .decimal:
            true
        default: false
        }
    }
}

/// Raw `duckdb_type` ids used by the binding.
enum TypeID {
    static let boolean: Int32 = 1
    static let tinyint: Int32 = 2
    static let smallint: Int32 = 3
    static let integer: Int32 = 4
    static let bigint: Int32 = 5
    static let utinyint: Int32 = 6
    static let usmallint: Int32 = 7
    static let uinteger: Int32 = 8
    static let ubigint: Int32 = 9
    static let float: Int32 = 10
    static let double: Int32 = 11
    static let timestamp: Int32 = 12
    static let date: Int32 = 13
    static let time: Int32 = 14
    static let interval: Int32 = 15
    static let hugeint: Int32 = 16
    static let varchar: Int32 = 17
    static let blob: Int32 = 18
    static let decimal: Int32 = 19
    static let timestampS: Int32 = 20
    static let timestampMS: Int32 = 21
    static let timestampNS: Int32 = 22
    static let enumeration: Int32 = 23
    static let list: Int32 = 24
    static let structure: Int32 = 25
    static let map: Int32 = 26
    static let uuid: Int32 = 27
    static let union: Int32 = 28
    static let bit: Int32 = 29
    static let timeTZ: Int32 = 30
    static let timestampTZ: Int32 = 31
    static let uhugeint: Int32 = 32
    static let array: Int32 = 33
    static let bignum: Int32 = 35
    static let null: Int32 = 36
    static let timeNS: Int32 = 39
}

extension DuckDBType {
    /// Reads a C logical type (borrowed: the caller destroys it).
    init(logical: duckdb_logical_type) {
        let id = duckdb_get_type_id(logical)
        switch id {
        case TypeID.boolean: self = .boolean
        case TypeID.tinyint: self = .tinyint
        case TypeID.smallint: self = .smallint
        case TypeID.integer: self = .integer
        case TypeID.bigint: self = .bigint
        case TypeID.hugeint: self = .hugeint
        case TypeID.utinyint: self = .utinyint
        case TypeID.usmallint: self = .usmallint
        case TypeID.uinteger: self = .uinteger
        case TypeID.ubigint: self = .ubigint
        case TypeID.uhugeint: self = .uhugeint
        case TypeID.float: self = .float
        case TypeID.double: self = .double
        case TypeID.decimal:
            self = .decimal(width: duckdb_decimal_width(logical), scale: duckdb_decimal_scale(logical))
        case TypeID.varchar: self = .varchar
        case TypeID.blob: self = .blob
        case TypeID.bit: self = .bit
        case TypeID.bignum: self = .bignum
        case TypeID.date: self = .date
        case TypeID.time: self = .time
        case TypeID.timeNS: self = .timeNS
        case TypeID.timeTZ: self = .timeTZ
        case TypeID.timestamp: self = .timestamp
        case TypeID.timestampS: self = .timestampS
        case TypeID.timestampMS: self = .timestampMS
        case TypeID.timestampNS: self = .timestampNS
        case TypeID.timestampTZ: self = .timestampTZ
        case TypeID.interval: self = .interval
        case TypeID.uuid: self = .uuid
        case TypeID.null: self = .null
        case TypeID.enumeration:
            let size = duckdb_enum_dictionary_size(logical)
            self = .enumeration(
                (0..<size).map { index in
                    guard let raw = duckdb_enum_dictionary_value(logical, idx_t(index)) else { return "" }
                    defer { duckdb_free(raw) }
                    return String(cString: raw)
                })
        case TypeID.list:
            self = .list(Self.child(duckdb_list_type_child_type(logical)))
        case TypeID.array:
            self = .array(
                Self.child(duckdb_array_type_child_type(logical)), size: Int(duckdb_array_type_array_size(logical)))
        case TypeID.map:
            self = .map(
                key: Self.child(duckdb_map_type_key_type(logical)),
                value: Self.child(duckdb_map_type_value_type(logical)))
        case TypeID.structure:
            self = .structure(
                (0..<duckdb_struct_type_child_count(logical)).map { index in
                    Field(
                        name: Self.name(duckdb_struct_type_child_name(logical, index)),
                        type: Self.child(duckdb_struct_type_child_type(logical, index)))
                })
        case TypeID.union:
            self = .union(
                (0..<duckdb_union_type_member_count(logical)).map { index in
                    Field(
                        name: Self.name(duckdb_union_type_member_name(logical, index)),
                        type: Self.child(duckdb_union_type_member_type(logical, index)))
                })
        default: self = .other(id: id)
        }
    }

    /// Reads and destroys an owned child type.
    private static func child(_ owned: duckdb_logical_type?) -> DuckDBType {
        var owned = owned
        defer { duckdb_destroy_logical_type(&owned) }
        return owned.map { DuckDBType(logical: $0) } ?? .other(id: 0)
    }

    private static func name(_ raw: UnsafeMutablePointer<CChar>?) -> String {
        guard let raw else { return "" }
        defer { duckdb_free(raw) }
        return String(cString: raw)
    }
}
