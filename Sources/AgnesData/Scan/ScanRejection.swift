/// Why a scan's WHERE predicate was refused (REFERENCE §7, wire `{error: "validator_rejected", kind,
/// details}`). The kinds are the original's, plus `too_complex` for text or trees past the size caps.
public struct ScanRejection: Error, Sendable, Hashable {
    /// The machine-readable reason.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// DuckDB's parser cannot read the predicate.
        case parseError = "parse_error"
        /// More than one statement (e.g. `1=1; DROP TABLE x`).
        case multiStatement = "multi_statement"
        /// A construct that is not a plain predicate: set operations, trailing clauses, parameters,
        /// stars, window functions, casts to complex types, literals of other kinds.
        case disallowedNode = "disallowed_node"
        /// A subquery (`IN (SELECT …)`, `EXISTS`, `ANY(…)`).
        case nestedSelect = "nested_select"
        /// A column qualified by another table (or a schema).
        case crossTableReference = "cross_table_reference"
        /// A function that is not on the allow-list (table functions, aggregates, `getvariable`…).
        case unknownFunction = "unknown_function"
        /// A column the table does not have.
        case unknownColumn = "unknown_column"
        /// The predicate is longer or deeper than the validator accepts.
        case tooComplex = "too_complex"
    }

    /// The reason.
    public let kind: Kind
    /// A human-readable explanation.
    public let details: String

    /// Creates a rejection.
    public init(_ kind: Kind, _ details: String) {
        self.kind = kind
        self.details = details
    }
}
