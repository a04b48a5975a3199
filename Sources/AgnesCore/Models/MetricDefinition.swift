import Foundation

/// A business metric: its SQL, where it comes from and how to talk about it. Ids are `<category>/<name>`.
public struct MetricDefinition: Sendable, Hashable, Codable {
    /// True when the metric reads `table` (its table, or one of its tables).
    public func uses(table: String) -> Bool { tableName == table || tables.contains(table) }

    /// Stable id, `<category>/<name>`.
    public var id: String
    /// Short name.
    public var name: String
    /// Name for people.
    public var displayName: String
    /// Grouping, e.g. `revenue`.
    public var category: String
    /// Free text.
    public var description: String?
    /// Aggregation kind (`sum` by default).
    public var type: String
    /// Unit of the value, e.g. `USD`.
    public var unit: String?
    /// Time grain (`monthly` by default).
    public var grain: String
    /// The main table.
    public var tableName: String?
    /// Every table the metric reads.
    public var tables: [String]
    /// The aggregate expression.
    public var expression: String?
    /// The time column.
    public var timeColumn: String?
    /// Dimensions it can be split by.
    public var dimensions: [String]
    /// Standard filters.
    public var filters: [String]
    /// Other names people use for it.
    public var synonyms: [String]
    /// Caveats.
    public var notes: [String]
    /// The canonical SQL.
    public var sql: String
    /// Alternative SQL keyed by variant (`by_region` for a `sql_by_region` YAML key).
    public var sqlVariants: [String: String]
    /// Validation rules, as JSON text; nil when there are none.
    public var validationJSON: String?
    /// `manual`, `yaml_import`, …
    public var source: String
    /// Creation time.
    public var createdAt: Date?
    /// Last update time.
    public var updatedAt: Date?

    /// Creates a metric value.
    public init(
        id: String, name: String, displayName: String, category: String, sql: String, description: String? = nil,
        type: String = "sum", unit: String? = nil, grain: String = "monthly", tableName: String? = nil,
        tables: [String] = [], expression: String? = nil, timeColumn: String? = nil, dimensions: [String] = [],
        filters: [String] = [], synonyms: [String] = [], notes: [String] = [], sqlVariants: [String: String] = [:],
        validationJSON: String? = nil, source: String = "manual", createdAt: Date? = nil, updatedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.category = category
        self.sql = sql
        self.description = description
        self.type = type
        self.unit = unit
        self.grain = grain
        self.tableName = tableName
        self.tables = tables
        self.expression = expression
        self.timeColumn = timeColumn
        self.dimensions = dimensions
        self.filters = filters
        self.synonyms = synonyms
        self.notes = notes
        self.sqlVariants = sqlVariants
        self.validationJSON = validationJSON
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
