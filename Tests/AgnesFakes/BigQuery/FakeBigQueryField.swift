/// A column of a ``FakeBigQuery`` table, as BigQuery's `TableFieldSchema` describes it.
///
/// ```swift
/// let fields: [FakeBigQueryField] = [
///     .init("id", .int64, mode: .required),
///     .init("tags", .string, mode: .repeated),
///     .init("address", .record, fields: [.init("city", .string), .init("zip", .string)]),
/// ]
/// ```
public struct FakeBigQueryField: Sendable, Hashable {
    /// A GoogleSQL data type, by its GoogleSQL name.
    public enum FieldType: String, Sendable, CaseIterable {
        case int64 = "INT64"
        case float64 = "FLOAT64"
        case numeric = "NUMERIC"
        case bigNumeric = "BIGNUMERIC"
        case bool = "BOOL"
        case string = "STRING"
        case bytes = "BYTES"
        case date = "DATE"
        case dateTime = "DATETIME"
        case time = "TIME"
        case timestamp = "TIMESTAMP"
        case geography = "GEOGRAPHY"
        case interval = "INTERVAL"
        /// A STRUCT: the field's ``FakeBigQueryField/fields`` are its members.
        case record = "RECORD"
    }

    /// Whether a field may be NULL or holds an array.
    public enum Mode: String, Sendable {
        case nullable = "NULLABLE"
        case required = "REQUIRED"
        case repeated = "REPEATED"
    }

    /// The column name.
    public var name: String
    /// The value type (of each element, for a repeated field).
    public var type: FieldType
    /// NULLABLE, REQUIRED or REPEATED.
    public var mode: Mode
    /// The column description shown by `tables.get`.
    public var description: String?
    /// The members of a RECORD.
    public var fields: [FakeBigQueryField]

    /// A field; `fields` only for a RECORD.
    public init(
        _ name: String, _ type: FieldType, mode: Mode = .nullable, description: String? = nil,
        fields: [FakeBigQueryField] = []
    ) {
        self.name = name
        self.type = type
        self.mode = mode
        self.description = description
        self.fields = fields
    }
}

extension FakeBigQueryField.FieldType {
    /// The name the REST API writes in schemas: the legacy spellings INTEGER, FLOAT, BOOLEAN and RECORD
    /// for the types that have one (the `TableFieldSchema.type` documentation lists both spellings; the
    /// service answers with these).
    var apiName: String {
        switch self {
        case .int64: "INTEGER"
        case .float64: "FLOAT"
        case .bool: "BOOLEAN"
        default: rawValue
        }
    }
}
