import AgnesClient
import DuckDB
import Foundation

/// Rows to print: from a local DuckDB query (with column types) or from the server (names only).
public struct ResultTable: Sendable {
    /// A column: its name and, when known, its SQL type.
    public struct Column: Sendable, Equatable {
        /// The name.
        public var name: String
        /// The SQL type (`BIGINT`, `VARCHAR`, …), nil when unknown.
        public var type: String?

        /// Creates a column.
        public init(name: String, type: String? = nil) {
            self.name = name
            self.type = type
        }

        /// True when the type is a number type (its values are right-aligned).
        public var isNumeric: Bool {
            guard let type = type?.uppercased() else { return false }
            let numeric = [
                "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
                "UHUGEINT", "FLOAT", "DOUBLE", "REAL", "DECIMAL",
            ]
            return numeric.contains { type == $0 || type.hasPrefix($0 + "(") }
        }
    }

    /// One value, ready for every output format.
    public struct Cell: Sendable, Equatable {
        /// As a table or CSV shows it (`NULL` for null in tables).
        public var text: String
        /// As JSON.
        public var json: String
        /// Right-aligned in tables.
        public var isNumeric: Bool
        /// SQL NULL.
        public var isNull: Bool

        /// A cell from a DuckDB value.
        public init(_ value: DuckDBValue) {
            text = value.description
            json = value.jsonText
            isNull = value == .null
            switch value {
            case .tinyint, .smallint, .integer, .bigint, .hugeint, .utinyint, .usmallint, .uinteger, .ubigint,
                .uhugeint, .float, .double, .decimal:
                isNumeric = true
            default: isNumeric = false
            }
        }

        /// A cell from a JSON value (remote results).
        public init(_ value: JSONValue) {
            text = value.description
            json = value.jsonText
            isNumeric = value.isNumber
            isNull = value == .null
        }

        /// A text cell.
        public init(text: String) {
            self.text = text
            json = JSONValue.string(text).jsonText
            isNumeric = false
            isNull = false
        }
    }

    /// The columns.
    public var columns: [Column]
    /// The rows.
    public var rows: [[Cell]]
    /// True when more rows existed than were fetched.
    public var isTruncated: Bool

    /// Creates a table.
    public init(columns: [Column], rows: [[Cell]], isTruncated: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.isTruncated = isTruncated
    }

    /// A table of a DuckDB result.
    public init(_ result: QueryResult) {
        self.init(
            columns: result.columns.map { Column(name: $0.name, type: $0.type.description) },
            rows: result.rows.map { $0.map(Cell.init) }, isTruncated: result.isTruncated)
    }

    /// A table of the server's query answer.
    public init(_ result: RemoteQueryResult) {
        let types = result.columnTypes.flatMap { $0.count == result.columns.count ? $0 : nil }
        self.init(
            columns: result.columns.enumerated().map { Column(name: $1, type: types?[$0]) },
            rows: result.rows.map { $0.map(Cell.init) }, isTruncated: result.truncated)
    }

    /// A table of JSON objects, showing `keys` (every key of the first object when nil).
    public init(objects: [JSONValue], keys: [String]? = nil) {
        var names = keys ?? []
        if keys == nil, case .object(let first)? = objects.first { names = first.keys.sorted() }
        self.init(
            columns: names.map { Column(name: $0) },
            rows: objects.map { object in names.map { Cell(object[$0] ?? .null) } })
    }
}
