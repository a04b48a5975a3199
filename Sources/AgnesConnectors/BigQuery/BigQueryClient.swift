import AgnesCore
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Where BigQuery is and how Agnes uses it (`data_source.bigquery` of `instance.yaml`).
public struct BigQueryConfiguration: Sendable {
    /// The API, `https://bigquery.googleapis.com` (or a fake's address), without a trailing `/`.
    public var apiBaseURL: String
    /// Where the tables are.
    public var dataProject: String
    /// Who runs the jobs (`billing_project`; the data project by default).
    public var billingProject: String
    /// The jobs' location, nil = BigQuery's choice.
    public var location: String?
    /// Most bytes a query over remote tables may scan (0 = no limit).
    public var maxScanBytes: Int64
    /// Most bytes a materialization may scan (0 = no limit).
    public var maxBytesPerMaterialize: Int64
    /// Rows per result page.
    public var pageSize: Int
    /// How long one `jobs.query`/`getQueryResults` call may wait for the job (`timeoutMs`).
    public var waitPerCall: Duration
    /// How long a materialization's job may run before it is cancelled.
    public var materializeTimeout: Duration
    /// How long a materialization lock holds before it is taken as stale.
    public var materializeLockTTL: Duration
    /// Retries of API calls.
    public var retry: RetryPolicy

    public init(
        apiBaseURL: String = "https://bigquery.googleapis.com", dataProject: String, billingProject: String? = nil,
        location: String? = nil, maxScanBytes: Int64 = 5_368_709_120, maxBytesPerMaterialize: Int64 = 10_737_418_240,
        pageSize: Int = 10_000, waitPerCall: Duration = .seconds(10), materializeTimeout: Duration = .seconds(1800),
        materializeLockTTL: Duration = .seconds(86_400), retry: RetryPolicy = RetryPolicy()
    ) {
        var base = apiBaseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBaseURL = base
        self.dataProject = dataProject
        self.billingProject = billingProject.flatMap { $0.isEmpty ? nil : $0 } ?? dataProject
        self.location = location
        self.maxScanBytes = maxScanBytes
        self.maxBytesPerMaterialize = maxBytesPerMaterialize
        self.pageSize = max(1, pageSize)
        self.waitPerCall = waitPerCall
        self.materializeTimeout = materializeTimeout
        self.materializeLockTTL = materializeLockTTL
        self.retry = retry
    }
}

/// BigQuery's REST API v2, as Google's client libraries call it: `jobs.query` with `timeoutMs`, then
/// `jobs.getQueryResults` until `jobComplete` and through every `pageToken`; `jobs.cancel` when Agnes
/// stops waiting; dry runs for byte estimates; `tables.get`, `datasets.list`, `tables.list`. Jobs run in
/// the billing project; tables are named in the data project. Every call carries a bearer token from
/// ``GoogleAccessTokens`` (refreshed once when BigQuery answers 401); 429, 5xx, `rateLimitExceeded`
/// and broken connections are retried with backoff, honouring `Retry-After`.
public struct BigQueryClient: Sendable {
    public let configuration: BigQueryConfiguration
    let tokens: GoogleAccessTokens
    let http: HTTPClient
    let logger: Logger

    static let maxBodyBytes = 256 << 20

    public init(configuration: BigQueryConfiguration, tokens: GoogleAccessTokens, http: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.tokens = tokens
        self.http = http
        self.logger = logger
    }

    // MARK: Jobs

    /// `jobs.query`: starts `sql` (GoogleSQL) and waits up to ``BigQueryConfiguration/waitPerCall``.
    public func query(_ sql: String, dryRun: Bool = false, maxResults: Int? = nil) async throws -> BigQueryQueryResponse
    {
        var body: [String: Any] = [
            "query": sql, "useLegacySql": false, "dryRun": dryRun,
            "timeoutMs": Int(configuration.waitPerCall.components.seconds * 1000),
        ]
        if let maxResults { body["maxResults"] = maxResults }
        if let location = configuration.location { body["location"] = location }
        let data = try await send(
            .POST, "/bigquery/v2/projects/\(Self.segment(configuration.billingProject))/queries",
            json: try JSONSerialization.data(withJSONObject: body), what: dryRun ? "a dry run" : "jobs.query")
        return try decodeResponse(data, "jobs.query")
    }

    /// `jobs.insert` of a query job: returns at once with the job's reference (a long job, such as a
    /// materialization, then waits in `getQueryResults`). A job id is chosen here (`agnes_<uuid>`), so
    /// that a retried insert cannot start the job twice (BigQuery answers 409 to the second one).
    public func insert(_ sql: String) async throws -> BigQueryQueryResponse.JobReference {
        let jobID = "agnes_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var reference: [String: Any] = ["projectId": configuration.billingProject, "jobId": jobID]
        if let location = configuration.location { reference["location"] = location }
        let body: [String: Any] = [
            "jobReference": reference,
            "configuration": ["query": ["query": sql, "useLegacySql": false]],
        ]
        let data: Data
        do {
            data = try await send(
                .POST, "/bigquery/v2/projects/\(Self.segment(configuration.billingProject))/jobs",
                json: try JSONSerialization.data(withJSONObject: body), what: "jobs.insert")
        } catch let error as BigQueryError where error.upstreamStatus == 409 {
            // The insert went through before a retry: the job exists.
            return .init(projectId: configuration.billingProject, jobId: jobID, location: configuration.location)
        }
        struct Job: Decodable {
            var jobReference: BigQueryQueryResponse.JobReference
        }
        return try decode(Job.self, data, "jobs.insert").jobReference
    }

    /// `jobs.getQueryResults`: waits up to ``BigQueryConfiguration/waitPerCall`` for the job, then a page.
    public func results(of job: BigQueryQueryResponse.JobReference, pageToken: String?, maxResults: Int) async throws
        -> BigQueryQueryResponse
    {
        var query = [
            ("maxResults", String(maxResults)),
            ("timeoutMs", String(configuration.waitPerCall.components.seconds * 1000)),
        ]
        if let location = job.location ?? configuration.location { query.append(("location", location)) }
        if let pageToken { query.append(("pageToken", pageToken)) }
        let data = try await send(
            .GET, "/bigquery/v2/projects/\(Self.segment(job.projectId))/queries/\(Self.segment(job.jobId ?? ""))",
            query: query, what: "jobs.getQueryResults")
        return try decodeResponse(data, "jobs.getQueryResults")
    }

    /// `jobs.cancel`, best effort (a job left running only costs slots).
    public func cancel(_ job: BigQueryQueryResponse.JobReference) async {
        var query: [(String, String)] = []
        if let location = job.location ?? configuration.location { query.append(("location", location)) }
        _ = try? await send(
            .POST, "/bigquery/v2/projects/\(Self.segment(job.projectId))/jobs/\(Self.segment(job.jobId ?? ""))/cancel",
            query: query, json: Data("{}".utf8), what: "jobs.cancel")
    }

    /// The bytes `sql` would scan, by a dry run (nothing runs, nothing is billed).
    public func estimate(_ sql: String) async throws -> Int64 {
        try await query(sql, dryRun: true).bytesProcessed ?? 0
    }

    /// Runs `sql` and hands its result to `page` one page at a time (never the whole result in
    /// memory), with the result's fields. Waits for the job at most `timeout`; on a timeout or when
    /// the calling task is cancelled, the job is cancelled. Returns the rows read and the bytes
    /// BigQuery processed.
    /// With `asJob`, the job is started by `jobs.insert` (for long jobs) rather than `jobs.query`.
    @discardableResult
    public func run(
        _ sql: String, timeout: Duration, asJob: Bool = false,
        page: ([BigQueryField], [BigQueryCell.Row]) async throws -> Void
    ) async throws -> (rows: Int64, bytesProcessed: Int64) {
        let deadline = ContinuousClock.now + timeout
        var response: BigQueryQueryResponse
        if asJob {
            let job = try await insert(sql)
            response = BigQueryQueryResponse(jobReference: job, jobComplete: false)
        } else {
            response = try await query(sql, maxResults: configuration.pageSize)
        }
        guard let job = response.jobReference, let jobID = job.jobId else {
            throw BigQueryError(.upstream, "BigQuery's answer to jobs.query names no job")
        }
        var rows: Int64 = 0
        do {
            while !response.isComplete {
                guard ContinuousClock.now < deadline else {
                    throw BigQueryError(
                        .timeout, "BigQuery job \(jobID) did not finish within \(timeout); it was cancelled",
                        hint: "narrow the query (fewer columns, a WHERE on the partition column)")
                }
                try Task.checkCancellation()
                response = try await results(of: job, pageToken: nil, maxResults: configuration.pageSize)
            }
            let fields = response.fields
            let processed = response.bytesProcessed ?? 0
            while true {
                let batch = response.rows ?? []
                if !batch.isEmpty {
                    rows += Int64(batch.count)
                    try await page(fields, batch)
                }
                guard let token = response.pageToken, !token.isEmpty else { break }
                try Task.checkCancellation()
                response = try await results(of: job, pageToken: token, maxResults: configuration.pageSize)
            }
            return (rows, processed)
        } catch {
            if !(response.isComplete && response.pageToken == nil) || error is CancellationError {
                await cancel(job)
            }
            throw error
        }
    }

    // MARK: Catalog

    /// `tables.get`.
    public func table(project: String, dataset: String, table: String) async throws -> BigQueryTable {
        let data = try await send(
            .GET,
            "/bigquery/v2/projects/\(Self.segment(project))/datasets/\(Self.segment(dataset))/tables/\(Self.segment(table))",
            what: "tables.get \(project).\(dataset).\(table)")
        return try decode(BigQueryTable.self, data, "tables.get")
    }

    /// `datasets.list`, every page.
    public func datasets(project: String) async throws -> [BigQueryDatasetEntry] {
        struct Page: Decodable {
            var datasets: [BigQueryDatasetEntry]?
            var nextPageToken: String?
        }
        var all: [BigQueryDatasetEntry] = []
        var token: String?
        repeat {
            let data = try await send(
                .GET, "/bigquery/v2/projects/\(Self.segment(project))/datasets",
                query: token.map { [("pageToken", $0)] } ?? [], what: "datasets.list")
            let page = try decode(Page.self, data, "datasets.list")
            all += page.datasets ?? []
            token = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return all
    }

    /// `tables.list`, every page.
    public func tables(project: String, dataset: String) async throws -> [BigQueryTableEntry] {
        struct Page: Decodable {
            var tables: [BigQueryTableEntry]?
            var nextPageToken: String?
        }
        var all: [BigQueryTableEntry] = []
        var token: String?
        repeat {
            let data = try await send(
                .GET, "/bigquery/v2/projects/\(Self.segment(project))/datasets/\(Self.segment(dataset))/tables",
                query: token.map { [("pageToken", $0)] } ?? [], what: "tables.list")
            let page = try decode(Page.self, data, "tables.list")
            all += page.tables ?? []
            token = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return all
    }

    // MARK: Transport

    /// One API call with a bearer token, retried when BigQuery or the network fails transiently.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: Data? = nil, what: String
    ) async throws -> Data {
        var components = URLComponents()
        components.queryItems = query.isEmpty ? nil : query.map { URLQueryItem(name: $0.0, value: $0.1) }
        let url = configuration.apiBaseURL + path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let (http, tokens, logger) = (self.http, self.tokens, self.logger)
        var refreshed = false
        while true {
            let token = try await tokens.token()
            do {
                return try await configuration.retry.run { attempt in
                    var request = HTTPClientRequest(url: url)
                    request.method = method
                    request.headers.add(name: "Authorization", value: "Bearer \(token)")
                    request.headers.add(name: "Accept", value: "application/json")
                    request.headers.add(name: "User-Agent", value: "agnes-bigquery-connector")
                    if let json {
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(bytes: json))
                    }
                    let answer = try await HTTPExchange.perform(
                        http, request, service: "BigQuery", what: what, attempt: attempt, logger: logger,
                        isTransient: { status, body in
                            TransientFailure.isTransient(status: status)
                                || (status == 403
                                    && ["rateLimitExceeded", "backendError"].contains(
                                        BigQueryError.from(status: status, body: body, request: what).reason ?? ""))
                        }
                    ) { status, body in BigQueryError.from(status: status, body: body, request: what).message }
                    if (200..<300).contains(answer.status) { return answer.body }
                    throw BigQueryError.from(status: answer.status, body: answer.body, request: what)
                }
            } catch let failure as TransientFailure {
                throw BigQueryError(
                    .upstream, failure.message + " (gave up after retries)", upstreamStatus: failure.status)
            } catch let error as BigQueryError where error.upstreamStatus == 401 && !refreshed {
                // An expired or revoked token: one fresh token, once.
                refreshed = true
                await tokens.invalidate()
            }
        }
    }

    /// A query answer, its rows read by ``BigQueryRowParser``.
    private func decodeResponse(_ data: Data, _ what: String) throws -> BigQueryQueryResponse {
        do {
            return try BigQueryRowParser.response(data)
        } catch {
            throw BigQueryError(.upstream, "BigQuery's answer to \(what) is not what it documents: \(error)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw BigQueryError(.upstream, "BigQuery's answer to \(what) is not what it documents: \(error)")
        }
    }

    /// A path segment, percent-encoded.
    static func segment(_ text: String) -> String { FormEncoding.escape(text) }
}
