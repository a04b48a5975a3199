/// What one run of a custom connector published.
public struct CustomRunReport: Sendable, Hashable {
    /// Tables whose new data was published, with their rows.
    public var synced: [String: Int] = [:]
    /// Tables whose data had not changed, with their rows.
    public var unchanged: [String: Int] = [:]
    /// Registered tables not due in this run that kept their previous data.
    public var kept: [String] = []
    /// Tables of the previous extract that the connector no longer lists.
    public var removed: [String] = []
    /// Every table the extract lists now.
    public var tables: [String] = []
    /// Whether `extract.duckdb` was written anew.
    public var rewroteExtract = false
    /// How long the run took, process and publishing, in milliseconds.
    public var durationMS = 0
    /// The end of the connector's standard error.
    public var standardErrorTail = ""

    /// Creates an empty report.
    public init() {}
}
