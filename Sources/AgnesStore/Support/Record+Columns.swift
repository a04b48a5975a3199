import DuckDB
import Foundation

extension Record {
    /// A VARCHAR column, nil for NULL.
    func string(_ column: String) -> String? { self[column].string ?? self[column].jsonScalarText }

    /// A VARCHAR column that must not be NULL.
    func requiredString(_ column: String) throws -> String {
        guard let value = string(column) else {
            throw StoreError(.corruptRow, "column \(column) is unexpectedly NULL")
        }
        return value
    }

    /// An integer column.
    func int(_ column: String) -> Int? { self[column].int }

    /// A DOUBLE/DECIMAL column.
    func double(_ column: String) -> Double? { self[column].double }

    /// A BOOLEAN column.
    func bool(_ column: String) -> Bool? { self[column].bool }

    /// A TIMESTAMP column.
    func date(_ column: String) -> Date? { self[column].date }

    /// A `VARCHAR[]` column.
    func stringList(_ column: String) -> [String]? { self[column].elements?.compactMap(\.string) }

    /// A JSON column decoded as `T`; nil for NULL or undecodable text.
    func json<T: Decodable>(_ column: String, as type: T.Type = T.self) -> T? {
        guard let text = string(column) else { return nil }
        return try? storedJSONDecoder.decode(T.self, from: Data(text.utf8))
    }
}

extension DuckDBValue {
    /// A non-text scalar rendered as text (ids stored as numbers by older writers, for example).
    fileprivate var jsonScalarText: String? {
        switch self {
        case .null, .list, .array, .structure, .map, .blob: nil
        default: description
        }
    }

    /// A `VARCHAR[]` parameter, or NULL.
    static func stringList(_ values: [String]?) -> DuckDBValue {
        guard let values else { return .null }
        return .list(values.map { .varchar($0) })
    }

    /// A JSON-encoded parameter of any `Encodable`, or NULL.
    static func json<T: Encodable>(_ value: T?) -> DuckDBValue {
        guard let value, let data = try? JSONEncoder.sorted.encode(value) else { return .null }
        return .varchar(String(decoding: data, as: UTF8.self))
    }
}

extension JSONEncoder {
    /// Deterministic output (sorted keys), so stored JSON compares and diffs cleanly.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// New ids for rows: lowercase UUIDs, as the original wrote them.
enum RowID {
    static func make() -> String { UUID().uuidString.lowercased() }
}

/// One decoder for every stored JSON column (decoding is thread-safe; making one per value is not free).
private let storedJSONDecoder = JSONDecoder()
