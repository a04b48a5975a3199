/// How a registered table is queried.
public enum QueryMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Extracted to parquet and queried locally (the default).
    case local
    /// Queried in place at the source (BigQuery or Keboola views).
    case remote
    /// The result of an admin-written query, materialized to parquet on a schedule.
    case materialized
}
