/// Where the instance's tables come from (`data_source.type`, overridden by `DATA_SOURCE`).
public enum DataSourceType: String, Sendable, Hashable, CaseIterable {
    /// Keboola Storage, extracted into DuckDB.
    case keboola
    /// Google BigQuery, queried remotely or materialized.
    case bigquery
    /// Local DuckDB files only; the default.
    case local
}
