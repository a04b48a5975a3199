import Foundation

/// Where the Keboola project is and how the connector talks to it (`data_source.keboola` of
/// `instance.yaml`). Every address is configurable so that a fake on 127.0.0.1 and the real stack are
/// one configuration apart; URLs the API hands back (manifests, presigned files) are followed as given.
public struct KeboolaConfiguration: Sendable {
    /// The stack, `https://connection.keboola.com` (`data_source.keboola.stack_url`), without a trailing `/`.
    public var stackURL: String
    /// The Storage API token (from the variable `data_source.keboola.token_env` names).
    public var token: String
    /// The name of that variable, for messages.
    public var tokenVariable: String
    /// S3 endpoint for slices of AWS stacks (`data_source.keboola.s3_endpoint`); nil = the bucket's
    /// own virtual host, `https://<bucket>.s3.<region>.amazonaws.com`. When set, requests are path-style.
    public var s3Endpoint: String?
    /// Google Cloud Storage JSON API for slices of GCP stacks (`data_source.keboola.gcs_endpoint`).
    public var gcsEndpoint: String
    /// Slices downloaded at once (`data_source.keboola.parallelism`).
    public var parallelism: Int
    /// How long an export job may take (`data_source.keboola.export_timeout_seconds`).
    public var exportTimeout: Duration
    /// First wait between polls of a job; each poll waits 1.5 times longer, up to `maxPollInterval`.
    public var pollInterval: Duration
    /// Longest wait between polls.
    public var maxPollInterval: Duration
    /// How far before the last export's server time an incremental export starts, so that rows
    /// written while that export ran are not missed (they are merged again, harmlessly).
    public var incrementalOverlap: Duration
    /// How large an incremental table's delta may grow, as a share of its base's rows, before a run
    /// folds it into a new base (`data_source.keboola.compaction_share`, default 0.1). Up to it, a run
    /// writes only what changed; queries and downloads read the base and the delta together.
    public var compactionShare: Double
    /// Retries of API calls and downloads.
    public var retry: RetryPolicy
    /// How long a materialization's lock holds before another process may take it as stale
    /// (`materialize.lock_ttl_seconds`, default 86400).
    public var materializeLockTTL: Duration
    /// Rows per Query Service result page of a materialization.
    public var queryPageSize: Int
    /// The most rows one scan of a remote table may take from the Query Service.
    public var remoteMaxRows: Int

    /// Creates a configuration.
    public init(
        stackURL: String, token: String, tokenVariable: String = "KEBOOLA_STORAGE_TOKEN", s3Endpoint: String? = nil,
        gcsEndpoint: String = "https://storage.googleapis.com", parallelism: Int = 4,
        exportTimeout: Duration = .seconds(1800), pollInterval: Duration = .seconds(1),
        maxPollInterval: Duration = .seconds(10), incrementalOverlap: Duration = .seconds(300),
        retry: RetryPolicy = RetryPolicy(), materializeLockTTL: Duration = .seconds(86_400),
        queryPageSize: Int = 10_000,
        remoteMaxRows: Int = 1_000_000, compactionShare: Double = 0.1
    ) {
        self.compactionShare = compactionShare.isFinite ? min(max(compactionShare, 0), 1) : 0.1
        self.remoteMaxRows = max(1, remoteMaxRows)
        self.stackURL = Self.trimmed(stackURL)
        self.token = token
        self.tokenVariable = tokenVariable
        self.s3Endpoint = s3Endpoint.map(Self.trimmed)
        self.gcsEndpoint = Self.trimmed(gcsEndpoint)
        self.parallelism = max(1, parallelism)
        self.exportTimeout = exportTimeout
        self.pollInterval = pollInterval
        self.maxPollInterval = maxPollInterval
        self.incrementalOverlap = incrementalOverlap
        self.retry = retry
        self.materializeLockTTL = materializeLockTTL
        self.queryPageSize = max(1, queryPageSize)
    }

    static func trimmed(_ url: String) -> String {
        var url = url.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
