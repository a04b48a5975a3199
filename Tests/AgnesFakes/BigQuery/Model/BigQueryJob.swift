import DuckDB

/// A query job of the fake. Its SQL ran when the job was created; the job still reports PENDING, then
/// RUNNING, until it has been polled ``FakeBigQuery/pollsUntilComplete`` times.
struct BigQueryJob: Sendable {
    /// What a finished query produced.
    enum Outcome: Sendable {
        case succeeded(QueryOutput)
        case failed(BigQueryError)
    }

    let id: String
    /// The project of the request path: the job runs and is billed there, whatever data it reads.
    let projectID: String
    let location: String
    let configuration: QueryConfiguration
    let referencedTables: [BigQueryTableID]
    let bytesProcessed: Int64
    var outcome: Outcome
    var pollsRemaining: Int
    var hasStarted = false
    var isCancelled = false
    let creationTime: Int64
    var endTime: Int64?

    var isDone: Bool { endTime != nil }

    /// `PENDING`, `RUNNING` or `DONE`.
    var state: String { isDone ? "DONE" : hasStarted ? "RUNNING" : "PENDING" }

    /// The error the job ended with, if any.
    var error: BigQueryError? {
        if isCancelled { return .stopped }
        if isDone, case .failed(let error) = outcome { return error }
        return nil
    }

    /// Counts one poll; true once the job is done.
    mutating func poll(now: Int64) -> Bool {
        if isDone { return true }
        hasStarted = true
        if pollsRemaining > 0 {
            pollsRemaining -= 1
            return false
        }
        endTime = now
        return true
    }

    /// As ``FakeBigQuery/jobs`` shows it.
    var summary: FakeBigQueryJob {
        FakeBigQueryJob(
            id: id, projectID: projectID, location: location, query: configuration.query,
            referencedTables: referencedTables.map(\.legacyName), isCancelled: isCancelled)
    }
}

/// The columns and rows a query produced.
struct QueryOutput: Sendable {
    var fields: [FakeBigQueryField]
    var rows: [[DuckDBValue]]
}
