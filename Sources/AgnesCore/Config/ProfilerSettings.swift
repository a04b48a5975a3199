/// Tuning of the table profiler, from the `profiler` section.
public struct ProfilerSettings: Sendable, Hashable {
    /// Tables with more rows than this are sampled (`profiler.sample_size`).
    public var sampleSize: Int
    /// A string column with at most this many distinct values is categorical (`max_categorical_distinct`).
    public var maxCategoricalDistinct: Int
    /// Top values listed per categorical column (`top_values_limit`).
    public var topValuesLimit: Int
    /// Bins of numeric histograms (`histogram_bins`).
    public var histogramBins: Int
    /// Sample rows kept per table (`sample_rows_limit`).
    public var sampleRowsLimit: Int
    /// Sample values kept per column (`sample_values_limit`).
    public var sampleValuesLimit: Int
    /// Missing-value percentage that raises `high_missing` (`alert_high_missing_pct`).
    public var alertHighMissingPercent: Int
    /// Missing-value percentage that raises `missing` (`alert_missing_pct`).
    public var alertMissingPercent: Int
    /// Share of the top value, in percent, that raises `imbalance` (`alert_imbalance_pct`).
    public var alertImbalancePercent: Int
    /// Distinct values that raise `high_cardinality` (`alert_high_cardinality`).
    public var alertHighCardinality: Int

    /// Creates settings; the defaults are the documented ones.
    public init(
        sampleSize: Int = 500_000,
        maxCategoricalDistinct: Int = 50,
        topValuesLimit: Int = 10,
        histogramBins: Int = 15,
        sampleRowsLimit: Int = 5,
        sampleValuesLimit: Int = 5,
        alertHighMissingPercent: Int = 30,
        alertMissingPercent: Int = 5,
        alertImbalancePercent: Int = 60,
        alertHighCardinality: Int = 50
    ) {
        self.sampleSize = sampleSize
        self.maxCategoricalDistinct = maxCategoricalDistinct
        self.topValuesLimit = topValuesLimit
        self.histogramBins = histogramBins
        self.sampleRowsLimit = sampleRowsLimit
        self.sampleValuesLimit = sampleValuesLimit
        self.alertHighMissingPercent = alertHighMissingPercent
        self.alertMissingPercent = alertMissingPercent
        self.alertImbalancePercent = alertImbalancePercent
        self.alertHighCardinality = alertHighCardinality
    }

    /// Reads the section, using the defaults for missing keys.
    init(config: ConfigReader) throws(ConfigError) {
        var settings = ProfilerSettings()
        let fields: [(key: String, field: WritableKeyPath<ProfilerSettings, Int>)] = [
            ("sample_size", \.sampleSize),
            ("max_categorical_distinct", \.maxCategoricalDistinct),
            ("top_values_limit", \.topValuesLimit),
            ("histogram_bins", \.histogramBins),
            ("sample_rows_limit", \.sampleRowsLimit),
            ("sample_values_limit", \.sampleValuesLimit),
            ("alert_high_missing_pct", \.alertHighMissingPercent),
            ("alert_missing_pct", \.alertMissingPercent),
            ("alert_imbalance_pct", \.alertImbalancePercent),
            ("alert_high_cardinality", \.alertHighCardinality),
        ]
        for (key, field) in fields {
            settings[keyPath: field] = try config.positiveInt(at: ["profiler", key], default: settings[keyPath: field])
        }
        self = settings
    }
}
