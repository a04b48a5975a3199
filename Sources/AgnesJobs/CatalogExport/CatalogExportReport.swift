import Foundation

/// What one run of the OpenMetadata catalog export did.
public struct CatalogExportReport: Sendable, Hashable {
    /// Registered tables OpenMetadata documents, exported.
    public var tables = 0
    /// Column rows written.
    public var columns = 0
    /// Metric definitions written.
    public var metrics = 0
    /// Registered tables OpenMetadata does not have (404) or that have no FQN, by id: not failures.
    public var skippedTables: [String] = []
    /// Rows OpenMetadata has too but an admin wrote by hand: left as they are.
    public var keptManual = 0
    /// Rows an earlier export wrote that OpenMetadata no longer has: removed.
    public var removed = 0
    /// What failed, one line each (a table, a metric, the metric discovery).
    public var errors: [String] = []

    /// Creates an empty report.
    public init() {}

    /// One line for the scheduler's job list.
    public var summary: String {
        var text =
            "\(tables) tables, \(columns) columns, \(metrics) metrics exported; \(skippedTables.count) tables skipped, "
            + "\(keptManual) kept as edited by hand, \(removed) stale removed"
        if !errors.isEmpty {
            text += "; \(errors.count) error\(errors.count == 1 ? "" : "s"): \(errors[0])"
            if errors.count > 1 { text += " (and \(errors.count - 1) more)" }
        }
        return text
    }
}

/// An export that had to stop: OpenMetadata refused the token or could not be reached. Nothing was
/// removed; what was written before the stop stays.
public struct CatalogExportFailure: Error, Sendable, CustomStringConvertible {
    /// What the run did before it stopped.
    public var report: CatalogExportReport
    /// Why it stopped.
    public var message: String

    /// Creates a failure.
    public init(report: CatalogExportReport, message: String) {
        self.report = report
        self.message = message
    }

    public var description: String { message }
}
