import Foundation

/// Everything the fake holds, behind the one lock of ``BigQueryStore``.
struct BigQueryState {
    /// An access token handed out by the token endpoint or the metadata server.
    struct IssuedToken {
        var scopes: Set<String>
        var expiresAt: Date
    }

    /// A failure waiting for the next `remaining` requests whose path contains `pathContains`.
    struct Injection {
        let failure: FakeBigQueryFailure
        let pathContains: String
        var remaining: Int
    }

    var baseURL = ""
    /// The project the metadata server reports.
    var projectID: String
    var datasets: [BigQueryDatasetID: BigQueryDataset] = [:]
    var tables: [BigQueryTableID: BigQueryTable] = [:]
    /// Jobs by `project:jobId`, and their keys in creation order.
    var jobs: [String: BigQueryJob] = [:]
    var jobOrder: [String] = []
    var tokens: [String: IssuedToken] = [:]
    /// Service accounts whose key files were handed out: the token endpoint knows them.
    var serviceAccounts: Set<String> = []
    var tokenLifetime = 3599
    var tokensIssued = 0
    var metadataTokensIssued = 0
    var pollsUntilComplete = 0
    var listPageSize = 1000
    var maxRowsPerPage = 100_000
    var cancelledJobs: [String] = []
    /// Tests waiting for a jobs.cancel call (``FakeBigQuery/nextCancellation()``).
    var cancellationWatchers: [CheckedContinuation<String, Never>] = []
    var requests: [FakeBigQueryRequest] = []
    var injections: [Injection] = []
    /// The fake clock in milliseconds since the epoch: 2026-01-01T00:00:00Z, one second more per change.
    var now: Int64 = 1_767_225_600_000

    /// Advances the clock one second and returns the new time.
    mutating func tick() -> Int64 {
        now += 1000
        return now
    }

    /// Takes the first injection matching `path` that `applies` accepts, counting it down.
    mutating func takeInjection(path: String, applies: (FakeBigQueryFailure) -> Bool) -> FakeBigQueryFailure? {
        guard let index = injections.firstIndex(where: { path.contains($0.pathContains) && applies($0.failure) }) else {
            return nil
        }
        injections[index].remaining -= 1
        let failure = injections[index].failure
        if injections[index].remaining <= 0 { injections.remove(at: index) }
        return failure
    }

    /// Creates the dataset if it does not exist yet.
    mutating func ensureDataset(_ id: BigQueryDatasetID, location: String = "US") {
        if datasets[id] == nil { datasets[id] = BigQueryDataset(id: id, location: location, creationTime: tick()) }
    }

    /// Stores a table or view, keeping the creation time of the one it replaces.
    mutating func put(_ id: BigQueryTableID, _ content: BigQueryTable.Content, description: String?) {
        ensureDataset(id.datasetID)
        let time = tick()
        tables[id] = BigQueryTable(
            id: id, content: content, description: description, creationTime: tables[id]?.creationTime ?? time,
            lastModifiedTime: time)
    }

    /// A new random access token valid for ``tokenLifetime`` seconds from now.
    mutating func issueToken(scopes: Set<String>) -> String {
        let token =
            "ya29.fake-" + Self.random(64, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        tokens[token] = IssuedToken(scopes: scopes, expiresAt: Date().addingTimeInterval(TimeInterval(tokenLifetime)))
        return token
    }

    static func random(_ count: Int, alphabet: String = "abcdefghijklmnopqrstuvwxyz0123456789") -> String {
        let characters = Array(alphabet)
        return String((0..<count).map { _ in characters.randomElement()! })
    }
}
