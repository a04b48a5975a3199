import AgnesCore
import Foundation

/// A table's profile as stored in `table_profiles` and served by `/api/catalog/profile/{table}`
/// (REFERENCE §4.4): table-level quality figures, one ``ColumnProfile`` per column and a few sample
/// rows. Field names and null-versus-absent follow the original's JSON exactly.
public struct ProfileDocument: Sendable, Hashable, Encodable {
    /// The registry id.
    public var tableID: String
    /// The registration's description.
    public var description: String?
    /// The primary-key columns, comma-separated as the original spelled it; nil when none is registered.
    public var primaryKey: String?
    /// The registration's sync strategy.
    public var syncStrategy: String?
    /// Rows of the whole file (not of the sample).
    public var rowCount: Int
    /// Columns of the file.
    public var columnCount: Int
    /// Size of the profiled file in MiB, two decimals.
    public var fileSizeMB: Double?
    /// Mean of the columns' completeness, in percent.
    public var averageCompleteness: Double
    /// NULL cells of the profiled rows.
    public var missingCells: Int
    /// NULL cells in percent of all profiled cells.
    public var missingCellsPercent: Double
    /// Profiled rows minus distinct primary-key values (0 without a primary key).
    public var duplicateRows: Int
    /// Columns per type category, e.g. `{"NUMERIC": 3, "STRING": 2}`.
    public var variableTypes: [String: Int]
    /// The range of the first date or timestamp column that has values; nil when there is none.
    public var dateRange: DateRange?
    /// Every column alert, with a message for people.
    public var alerts: [TableAlert]
    /// True when the statistics come from a sample of `sample_size` rows.
    public var isSampled: Bool
    /// When the table's data last changed (sync state), ISO 8601.
    public var lastSync: String?
    /// Related tables (no foreign-key metadata is registered, so always empty).
    public var relatedTables: [RelatedTable]
    /// Metrics that read the table.
    public var usedByMetrics: [MetricReference]
    /// Per-column statistics, in table order.
    public var columns: [ColumnProfile]
    /// The first profiled rows, every value as DuckDB prints it (NULL as null).
    public var sampleRows: [SampleRow]

    enum CodingKeys: String, CodingKey {
        case description, alerts, sampled, columns
        case tableID = "table_id"
        case primaryKey = "primary_key"
        case syncStrategy = "sync_strategy"
        case rowCount = "row_count"
        case columnCount = "column_count"
        case fileSizeMB = "file_size_mb"
        case averageCompleteness = "avg_completeness"
        case missingCells = "missing_cells"
        case missingCellsPercent = "missing_cells_pct"
        case duplicateRows = "duplicate_rows"
        case variableTypes = "variable_types"
        case dateRange = "date_range"
        case lastSync = "last_sync"
        case relatedTables = "related_tables"
        case usedByMetrics = "used_by_metrics"
        case sampleRows = "sample_rows"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // Optionals are written as null, never left out: clients test `profile.date_range === null`.
        try container.encode(tableID, forKey: .tableID)
        try container.encode(description, forKey: .description)
        try container.encode(primaryKey, forKey: .primaryKey)
        try container.encode(syncStrategy, forKey: .syncStrategy)
        try container.encode(rowCount, forKey: .rowCount)
        try container.encode(columnCount, forKey: .columnCount)
        try container.encode(fileSizeMB, forKey: .fileSizeMB)
        try container.encode(averageCompleteness, forKey: .averageCompleteness)
        try container.encode(missingCells, forKey: .missingCells)
        try container.encode(missingCellsPercent, forKey: .missingCellsPercent)
        try container.encode(duplicateRows, forKey: .duplicateRows)
        try container.encode(OrderedMembers(sorting: variableTypes), forKey: .variableTypes)
        try container.encode(dateRange, forKey: .dateRange)
        try container.encode(alerts, forKey: .alerts)
        try container.encode(isSampled, forKey: .sampled)
        try container.encode(lastSync, forKey: .lastSync)
        try container.encode(relatedTables, forKey: .relatedTables)
        try container.encode(usedByMetrics, forKey: .usedByMetrics)
        try container.encode(columns, forKey: .columns)
        try container.encode(sampleRows, forKey: .sampleRows)
    }
}

/// `{earliest, latest, span_days}` of a date or timestamp column (dates as `YYYY-MM-DD`).
public struct DateRange: Sendable, Hashable, Encodable {
    /// The earliest date, nil when the column has no (finite) values.
    public var earliest: String?
    /// The latest date.
    public var latest: String?
    /// Days from earliest to latest.
    public var spanDays: Int?

    enum CodingKeys: String, CodingKey {
        case earliest, latest
        case spanDays = "span_days"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(earliest, forKey: .earliest)
        try container.encode(latest, forKey: .latest)
        try container.encode(spanDays, forKey: .spanDays)
    }
}

/// One column alert at table level: `{column, type, message}`.
public struct TableAlert: Sendable, Hashable, Encodable {
    /// The column.
    public var column: String
    /// The alert (`constant`, `unique`, `high_missing`, `missing`, `imbalance`, `zeros`, `high_cardinality`).
    public var type: ColumnAlert
    /// For people, e.g. `status has 35.5% missing values`.
    public var message: String
}

/// A table related by a foreign key: `{table, join_column, foreign_column, direction, description}`.
public struct RelatedTable: Sendable, Hashable, Encodable {
    /// The other table.
    public var table: String
    /// This table's column.
    public var joinColumn: String
    /// The other table's column.
    public var foreignColumn: String
    /// `belongs_to` or `has_many`.
    public var direction: String
    /// For people.
    public var description: String

    enum CodingKeys: String, CodingKey {
        case table, direction, description
        case joinColumn = "join_column"
        case foreignColumn = "foreign_column"
    }
}

/// A metric that reads the table: `{name, file}` (file `<category>/<name>.yml`, as the original's docs tree).
public struct MetricReference: Sendable, Hashable, Encodable {
    /// The metric's name.
    public var name: String
    /// Its definition's path relative to the metrics directory.
    public var file: String

    /// Creates a reference.
    public init(name: String, file: String) {
        self.name = name
        self.file = file
    }
}

/// One sample row: column name → value text, in table order (NULL as null).
public struct SampleRow: Sendable, Hashable, Encodable {
    /// Column names and values.
    public var values: [(name: String, text: String?)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.values.map(\.name) == rhs.values.map(\.name) && lhs.values.map(\.text) == rhs.values.map(\.text)
    }

    public func hash(into hasher: inout Hasher) {
        for (name, text) in values {
            hasher.combine(name)
            hasher.combine(text)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NameKey.self)
        for (name, text) in values { try container.encode(text, forKey: NameKey(name)) }
    }
}

/// A coding key made from a column name.
struct NameKey: CodingKey {
    let stringValue: String
    init(_ name: String) { stringValue = name }
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}
