/// A table of the fake Keboola project, handed to ``FakeKeboola/putTable(_:)``.
///
/// The bucket comes from the id (`in.c-sales.orders` lives in bucket `in.c-sales`, stage `in`) and is
/// created implicitly. Every value is a string, as in a non-typed Keboola table ("nullable values are
/// converted to empty strings", help.keboola.com/storage/tables/data-types).
///
/// ```swift
/// fake.putTable(FakeKeboolaTable(
///     id: "in.c-sales.orders", columns: ["id", "amount"], primaryKey: ["id"],
///     rows: [["1", "9.50"], ["2", "12.00"]],
///     columnMetadata: ["amount": [FakeKeboolaMetadata("KBC.datatype.basetype", "NUMERIC")]]))
/// ```
public struct FakeKeboolaTable: Sendable {
    /// The table id: `<stage>.<bucket name>.<table name>`, e.g. `in.c-sales.orders`.
    public var id: String
    /// Column names in table order.
    public var columns: [String]
    /// Primary-key columns; empty for a table without a primary key (upserts then append).
    public var primaryKey: [String]
    /// The initial rows, each with one value per column, in column order; stamped with the creation tick.
    public var rows: [[String]]
    /// The name shown in the UI (`displayName`); the table name when nil.
    public var displayName: String?
    /// The table description, reported as table metadata `KBC.description` (provider `user`).
    public var description: String?
    /// Table metadata entries (besides the description).
    public var metadata: [FakeKeboolaMetadata]
    /// Column metadata, by column name (`KBC.datatype.*`, `KBC.description`, …).
    public var columnMetadata: [String: [FakeKeboolaMetadata]]
    /// A typed table ("native data types"): table detail then carries `definition`, derived from the
    /// `KBC.datatype.*` column metadata, and table metadata `KBC.dataTypesEnabled`.
    public var isTyped: Bool
    /// The id of the table this one is an alias of. An alias reports `isAlias: true`, `columnMetadata: []`
    /// on itself and its column metadata under `sourceTable.columnMetadata`, as Keboola does for aliases
    /// of tables in linked buckets. The alias still serves its own ``rows``.
    public var aliasOf: String?

    /// A table; everything but the id and the columns is optional.
    public init(
        id: String, columns: [String], primaryKey: [String] = [], rows: [[String]] = [], displayName: String? = nil,
        description: String? = nil, metadata: [FakeKeboolaMetadata] = [],
        columnMetadata: [String: [FakeKeboolaMetadata]] = [:], isTyped: Bool = false, aliasOf: String? = nil
    ) {
        self.id = id
        self.columns = columns
        self.primaryKey = primaryKey
        self.rows = rows
        self.displayName = displayName
        self.description = description
        self.metadata = metadata
        self.columnMetadata = columnMetadata
        self.isTyped = isTyped
        self.aliasOf = aliasOf
    }
}
