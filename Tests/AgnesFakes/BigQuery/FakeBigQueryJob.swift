/// A query job as ``FakeBigQuery`` keeps it, for tests that check where a client ran what.
public struct FakeBigQueryJob: Sendable, Hashable {
    /// The job id.
    public let id: String
    /// The project the job runs (and is billed) in: the `projectId` of the request path.
    public let projectID: String
    /// The job's location.
    public let location: String
    /// The SQL as sent.
    public let query: String
    /// The tables the query read, as `project:dataset.table` (views expanded to their tables).
    public let referencedTables: [String]
    /// Whether it was cancelled with jobs.cancel before it completed.
    public let isCancelled: Bool
}
