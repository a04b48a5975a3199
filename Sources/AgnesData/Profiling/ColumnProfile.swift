import Foundation

/// One column of a ``ProfileDocument``: completeness, distinct values, sample values, alerts and the
/// statistics of its type category (exactly one of the four).
public struct ColumnProfile: Sendable, Hashable, Encodable {
    /// The column name.
    public var name: String
    /// DuckDB's type name, e.g. `DECIMAL(10,2)`.
    public var type: String
    /// The category that decides which statistics the column gets.
    public var category: TypeCategory
    /// Non-NULL values in percent of the profiled rows.
    public var completenessPercent: Double
    /// NULL values among the profiled rows.
    public var nullCount: Int
    /// Distinct non-NULL values (exact).
    public var uniqueCount: Int
    /// Distinct values in percent of the non-NULL values.
    public var uniquePercent: Double
    /// A few distinct values as text.
    public var sampleValues: [String]
    /// True when the column is part of the registered primary key.
    public var isPrimaryKey: Bool
    /// The column's alerts, in rule order.
    public var alerts: [ColumnAlert]
    /// The statistics of the column's category.
    public var statistics: Statistics

    /// Per-category statistics.
    public enum Statistics: Sendable, Hashable {
        /// `numeric_stats`.
        case numeric(NumericStatistics)
        /// `string_stats`.
        case string(StringStatistics)
        /// `date_stats` (dates and timestamps).
        case date(DateStatistics)
        /// `boolean_stats`.
        case boolean(BooleanStatistics)
    }

    enum CodingKeys: String, CodingKey {
        case name, type, alerts
        case category = "type_category"
        case completenessPercent = "completeness_pct"
        case nullCount = "null_count"
        case uniqueCount = "unique_count"
        case uniquePercent = "unique_pct"
        case sampleValues = "sample_values"
        case isPrimaryKey = "is_primary_key"
        case numeric = "numeric_stats"
        case string = "string_stats"
        case date = "date_stats"
        case boolean = "boolean_stats"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(category, forKey: .category)
        try container.encode(completenessPercent, forKey: .completenessPercent)
        try container.encode(nullCount, forKey: .nullCount)
        try container.encode(uniqueCount, forKey: .uniqueCount)
        try container.encode(uniquePercent, forKey: .uniquePercent)
        try container.encode(sampleValues, forKey: .sampleValues)
        try container.encode(isPrimaryKey, forKey: .isPrimaryKey)
        try container.encode(alerts, forKey: .alerts)
        switch statistics {
        case .numeric(let stats): try container.encode(stats, forKey: .numeric)
        case .string(let stats): try container.encode(stats, forKey: .string)
        case .date(let stats): try container.encode(stats, forKey: .date)
        case .boolean(let stats): try container.encode(stats, forKey: .boolean)
        }
    }
}

/// The type categories of §4.4.
public enum TypeCategory: String, Sendable, Hashable, Encodable, CaseIterable {
    /// Integers, floating point and decimals: `numeric_stats`.
    case numeric = "NUMERIC"
    /// Text and everything without a category of its own: `string_stats`.
    case string = "STRING"
    /// Dates: `date_stats`.
    case date = "DATE"
    /// Timestamps of any precision or time zone: `date_stats` of their dates.
    case timestamp = "TIMESTAMP"
    /// Booleans: `boolean_stats`.
    case boolean = "BOOLEAN"

    /// The category of a DuckDB type name, as the original classified it: `BOOLEAN`, `DATE`, anything
    /// with `TIMESTAMP`, the integer, floating-point and decimal types, and everything else as text.
    /// Nested types (`INTEGER[]`, `STRUCT(…)`, `MAP(…)`) are text whatever they contain.
    public init(duckDBType: String) {
        let type = duckDBType.uppercased()
        let isNested =
            type.hasSuffix("]") || ["STRUCT", "MAP", "UNION", "LIST"].contains { type.hasPrefix($0) }
        let base = type.split(separator: "(", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if isNested {
            self = .string
        } else if type == "BOOLEAN" || type == "BOOL" {
            self = .boolean
        } else if type == "DATE" {
            self = .date
        } else if type.contains("TIMESTAMP") {
            self = .timestamp
        } else if Self.numericTypes.contains(base) {
            self = .numeric
        } else {
            self = .string
        }
    }

    static let numericTypes: Set<String> = [
        "FLOAT", "DOUBLE", "DECIMAL", "REAL", "FLOAT4", "FLOAT8", "NUMERIC", "HUGEINT", "INTEGER", "INT", "BIGINT",
        "SMALLINT", "TINYINT", "INT8", "INT4", "INT2", "INT1", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT",
        "UHUGEINT",
    ]

    static let integerTypes: Set<String> = [
        "HUGEINT", "INTEGER", "INT", "BIGINT", "SMALLINT", "TINYINT", "INT8", "INT4", "INT2", "INT1", "UBIGINT",
        "UINTEGER", "USMALLINT", "UTINYINT", "UHUGEINT",
    ]
}

/// A column alert (§4.4).
public enum ColumnAlert: String, Sendable, Hashable, Encodable, CaseIterable {
    /// One value and no NULLs.
    case constant
    /// Every value distinct and no NULLs.
    case unique
    /// More NULLs than `alert_high_missing_pct`.
    case highMissing = "high_missing"
    /// More NULLs than `alert_missing_pct` (and not `high_missing`).
    case missing
    /// A categorical column whose top value is more than `alert_imbalance_pct` of the values.
    case imbalance
    /// More than half of a numeric column's values are zero.
    case zeros
    /// A non-categorical column with more than `alert_high_cardinality` distinct values.
    case highCardinality = "high_cardinality"
}

/// `numeric_stats`.
public struct NumericStatistics: Sendable, Hashable, Encodable {
    /// The smallest value.
    public var min: ProfileNumber?
    /// The largest value.
    public var max: ProfileNumber?
    /// The mean.
    public var mean: Double?
    /// The median (interpolated).
    public var median: Double?
    /// The sample standard deviation.
    public var stddev: Double?
    /// The 5th percentile (interpolated).
    public var p5: Double?
    /// The 25th percentile.
    public var p25: Double?
    /// The 75th percentile.
    public var p75: Double?
    /// The 95th percentile.
    public var p95: Double?
    /// Values equal to zero.
    public var zeros: Int
    /// Zeros in percent of the non-NULL values.
    public var zerosPercent: Double
    /// Values below zero.
    public var negative: Int
    /// Negative values in percent of the non-NULL values.
    public var negativePercent: Double
    /// Counts in `histogram_bins` equal-width bins from min to max, labelled `lo-hi`.
    public var histogram: Histogram

    enum CodingKeys: String, CodingKey {
        case min, max, mean, median, stddev, p5, p25, p75, p95, zeros, negative, histogram
        case zerosPercent = "zeros_pct"
        case negativePercent = "negative_pct"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(min, forKey: .min)
        try container.encode(max, forKey: .max)
        try container.encode(mean, forKey: .mean)
        try container.encode(median, forKey: .median)
        try container.encode(stddev, forKey: .stddev)
        try container.encode(p5, forKey: .p5)
        try container.encode(p25, forKey: .p25)
        try container.encode(p75, forKey: .p75)
        try container.encode(p95, forKey: .p95)
        try container.encode(zeros, forKey: .zeros)
        try container.encode(zerosPercent, forKey: .zerosPercent)
        try container.encode(negative, forKey: .negative)
        try container.encode(negativePercent, forKey: .negativePercent)
        try container.encode(histogram, forKey: .histogram)
    }
}

/// `string_stats`.
public struct StringStatistics: Sendable, Hashable, Encodable {
    /// The shortest value, in characters.
    public var minLength: Int
    /// The longest value, in characters.
    public var maxLength: Int
    /// The mean length.
    public var averageLength: Double
    /// Most frequent values; only for columns with at most `max_categorical_distinct` distinct values.
    public var topValues: [TopValue]

    enum CodingKeys: String, CodingKey {
        case minLength = "min_length"
        case maxLength = "max_length"
        case averageLength = "avg_length"
        case topValues = "top_values"
    }
}

/// One of a column's most frequent values: `{value, count, pct}`.
public struct TopValue: Sendable, Hashable, Encodable {
    /// The value as text.
    public var value: String
    /// Rows with the value.
    public var count: Int
    /// Share of the non-NULL values, in percent.
    public var pct: Double
}

/// `date_stats` (also for timestamps, which are counted by their date).
public struct DateStatistics: Sendable, Hashable, Encodable {
    /// The earliest date.
    public var earliest: String?
    /// The latest date.
    public var latest: String?
    /// Days from earliest to latest.
    public var spanDays: Int?
    /// Rows per calendar quarter, bins `YYYY-Qn`.
    public var histogram: Histogram

    enum CodingKeys: String, CodingKey {
        case earliest, latest, histogram
        case spanDays = "span_days"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(earliest, forKey: .earliest)
        try container.encode(latest, forKey: .latest)
        try container.encode(spanDays, forKey: .spanDays)
        try container.encode(histogram, forKey: .histogram)
    }
}

/// `boolean_stats`.
public struct BooleanStatistics: Sendable, Hashable, Encodable {
    /// Rows that are true.
    public var trueCount: Int
    /// Rows that are false.
    public var falseCount: Int
    /// True rows in percent of the non-NULL rows.
    public var truePercent: Double

    enum CodingKeys: String, CodingKey {
        case trueCount = "true_count"
        case falseCount = "false_count"
        case truePercent = "true_pct"
    }
}

/// `{bins: [label], counts: [n]}`, empty when there is nothing to bin.
public struct Histogram: Sendable, Hashable, Encodable {
    /// Bin labels.
    public var bins: [String] = []
    /// Rows per bin.
    public var counts: [Int] = []
}

/// A minimum or maximum: an integer for integer columns (as the original's JSON had it), else a
/// number rounded to two decimals.
public enum ProfileNumber: Sendable, Hashable, Encodable {
    /// A whole number.
    case integer(Int)
    /// A number rounded to two decimals.
    case decimal(Double)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let value): try container.encode(value)
        case .decimal(let value): try container.encode(value)
        }
    }
}
