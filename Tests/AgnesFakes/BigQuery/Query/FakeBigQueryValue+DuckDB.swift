import DuckDB

extension FakeBigQueryValue {
    /// A DuckDB result value as a table value: what a query writes to its destination table. Values
    /// without a value case of their own become their text, which loads back into their type.
    init(_ value: DuckDBValue) {
        switch value {
        case .null: self = .null
        case .boolean(let flag): self = .bool(flag)
        case .float(let number): self = .double(Double(number))
        case .double(let number): self = .double(number)
        case .blob(let bytes): self = .bytes(bytes)
        case .list(let elements), .array(let elements): self = .array(elements.map(Self.init))
        case .structure(let members): self = .record(members.map { Self($0.value) })
        case .timestamp(let timestamp): self = .string(timestamp.isoString)
        default: self = value.int64.map { .int($0) } ?? .string(value.description)
        }
    }
}
