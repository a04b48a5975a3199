import Foundation

extension DuckDBValue: Encodable {
    /// Encodes as natural JSON: numbers as numbers (integers beyond 64 bits and DECIMALs exactly, via
    /// `Decimal`), temporal values as ISO 8601 text, UUIDs as text, BLOBs as DuckDB's escaped text,
    /// LIST/ARRAY as arrays, STRUCT as objects, MAP as an object when every key is text, else as a
    /// list of `{"key":…, "value":…}` objects.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .boolean(let v): try container.encode(v)
        case .tinyint(let v): try container.encode(v)
        case .smallint(let v): try container.encode(v)
        case .integer(let v): try container.encode(v)
        case .bigint(let v): try container.encode(v)
        case .utinyint(let v): try container.encode(v)
        case .usmallint(let v): try container.encode(v)
        case .uinteger(let v): try container.encode(v)
        case .ubigint(let v): try container.encode(v)
        case .hugeint(let v):
            if let small = Int64(exactly: v.value) {
                try container.encode(small)
            } else {
                try container.encode(Decimal(string: v.description))
            }
        case .uhugeint(let v):
            if let small = UInt64(exactly: v.value) {
                try container.encode(small)
            } else {
                try container.encode(Decimal(string: v.description))
            }
        case .float(let v): try Self.encode(Double(v), into: &container)
        case .double(let v): try Self.encode(v, into: &container)
        case .decimal(let d): try container.encode(Decimal(string: d.description) ?? Decimal(d.doubleValue))
        case .varchar(let text), .enumeration(let text): try container.encode(text)
        case .date(let d): try container.encode(d.description)
        case .time(let t): try container.encode(t.description)
        case .timeTZ(let t): try container.encode(t.description)
        case .timestamp(let t): try container.encode(t.isoString)
        case .timestampTZ(let t): try container.encode(t.isoString + "+00:00")
        case .interval(let i): try container.encode(i.description)
        case .uuid(let u): try container.encode(u.uuidString.lowercased())
        case .blob(let bytes): try container.encode(Self.blobText(bytes))
        case .list(let values), .array(let values): try container.encode(values)
        case .structure(let fields): try container.encode(OrderedObject(pairs: fields.map { ($0.name, $0.value) }))
        case .map(let entries):
            if entries.allSatisfy({ $0.key.string != nil }) {
                try container.encode(OrderedObject(pairs: entries.map { ($0.key.string!, $0.value) }))
            } else {
                try container.encode(entries.map { OrderedObject(pairs: [("key", $0.key), ("value", $0.value)]) })
            }
        }
    }

    /// NaN and infinities are not JSON numbers: they are written as null.
    private static func encode(_ value: Double, into container: inout any SingleValueEncodingContainer) throws {
        if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
    }

    /// The value as a JSON text.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A JSON object that keeps its keys in the given order.
private struct OrderedObject: Encodable {
    let pairs: [(String, DuckDBValue)]

    struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in pairs { try container.encode(value, forKey: Key(stringValue: name)) }
    }
}
