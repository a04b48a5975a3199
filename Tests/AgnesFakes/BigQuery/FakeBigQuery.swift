// A fake of Google BigQuery on 127.0.0.1 — the REST API v2, Google's OAuth token endpoint and the GCE
// metadata server, on one port — speaking the documented protocols, so that a client that works
// against it works against the real service after a base-URL change.
//
// Documented behaviour it reproduces (sources: BigQuery REST reference v2 at
// cloud.google.com/bigquery/docs/reference/rest/v2 — "Method: jobs.query" with QueryRequest and
// QueryResponse, "jobs.getQueryResults", "jobs.insert", "jobs.get", "jobs.cancel", "REST Resource: jobs"
// (Job, JobStatus, JobStatistics), "datasets.list", "datasets.get", "tables.list", "tables.get",
// "REST Resource: tables" (Table, TableSchema, TableFieldSchema), "tabledata.list", "ErrorProto";
// "Error messages" (cloud.google.com/bigquery/docs/error-messages); "Troubleshoot quota and limit
// errors"; GoogleSQL "Data types" → "Data type sizes"; "Using OAuth 2.0 for Server to Server
// Applications" (developers.google.com/identity/protocols/oauth2/service-account); Compute Engine
// "About VM metadata" / "Access VM metadata" (cloud.google.com/compute/docs/metadata)):
// - `POST <tokenURI>` with the form `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…`:
//   the assertion must be an RS256 JWT signed with the key file's key (`kid`, if sent, its
//   `private_key_id`), `iss` a service account whose key file the fake handed out, `aud` the token URI,
//   `exp` in the future and `exp - iat` ≤ 3600, a `scope`. Answer `{"access_token","expires_in",
//   "token_type":"Bearer"}`; refusals `400 {"error":"invalid_grant","error_description":"Invalid JWT
//   Signature."}` (and Google's other descriptions), `invalid_scope` without a scope,
//   `unsupported_grant_type`.
// - Metadata server (`GCE_METADATA_HOST=<metadataHost>`): `GET /computeMetadata/v1/instance/
//   service-accounts/default/token` (also `/email`), `GET /computeMetadata/v1/project/project-id` (text),
//   `GET /` (the detection ping). Each needs `Metadata-Flavor: Google` (else 403); each answer carries it.
// - Every `/bigquery/v2/…` call needs `Authorization: Bearer <token>` of a live token: none is 401
//   reason `required` ("Login Required."), an unknown or expired one 401 `authError` ("Invalid
//   Credentials"), both with `WWW-Authenticate: Bearer …`; a token without a BigQuery or Cloud Platform
//   scope is 403 `insufficientPermissions`. Errors are `{"error":{"code","message","errors":[{"message",
//   "domain":"global","reason",…}],"status"}}`.
// - `POST /bigquery/v2/projects/{p}/queries` (jobs.query): `query`, `useLegacySql` (the documented
//   default is true: legacy SQL is refused, so is a request that leaves it out, unless the query starts
//   with `#standardSQL`), `defaultDataset`, `maxResults`, `dryRun`, `location`, `labels`. Answer
//   `QueryResponse`: kind, schema, jobReference {projectId, jobId, location}, totalRows (string), rows,
//   pageToken, totalBytesProcessed (string), jobComplete, cacheHit, location. Bad SQL is 400
//   `invalidQuery` (location `q`); a missing table 404 `notFound` "Not found: Table p:d.t was not found in
//   location US"; an unqualified table without a default dataset 400 "Table "t" must be qualified with a
//   dataset (e.g. dataset.table).". A dry run answers the schema and the bytes, no rows, no job id.
// - `GET …/queries/{jobId}` (getQueryResults): `pageToken`, `startIndex`, `maxResults`, `location`
//   (another location than the job's is 404 "Not found: Job p:id"); jobComplete false while the job
//   runs; a failed job answers its error.
// - `POST …/jobs` (jobs.insert) with `configuration.query` {query, useLegacySql, defaultDataset,
//   destinationTable, writeDisposition}, `configuration.dryRun`, `jobReference.jobId` (taken: 409
//   `duplicate`): the `Job` resource with status.state PENDING → RUNNING → DONE, status.errorResult and
//   errors, statistics {creationTime, startTime, endTime, totalBytesProcessed, query {totalBytesProcessed,
//   totalBytesBilled, cacheHit, statementType, referencedTables, schema}}; a query that cannot run makes
//   a job that is DONE with the error. `GET …/jobs/{id}` (jobs.get), `POST …/jobs/{id}/cancel` →
//   `{"kind":"bigquery#jobCancelResponse","job":…}`, the job DONE with errorResult `stopped`.
// - `GET …/datasets`, `…/datasets/{d}`, `…/datasets/{d}/tables` (with `totalItems`), paged by
//   `maxResults` / `pageToken` → `nextPageToken`; `GET …/tables/{t}` (tables.get: tableReference, type
//   TABLE|VIEW, schema.fields [{name, type, mode, fields, description}] with the API's type names
//   INTEGER, FLOAT, BOOLEAN, RECORD, numRows, numBytes, creationTime, lastModifiedTime (strings),
//   description, location, view.query); `GET …/tables/{t}/data` (tabledata.list, 400 for a view).
// - Rows as `{"f":[{"v":…}]}`: every scalar a string (INT64 "12", FLOAT64 as Java prints doubles
//   "1.5" / "1.0E20", NUMERIC "1.25", BOOL "true", BYTES base64, DATE "2024-01-31", DATETIME
//   "2024-01-31T10:00:00", TIME "10:00:00", TIMESTAMP epoch seconds "1.7066952E9", GEOGRAPHY WKT), NULL
//   `{"v":null}`, REPEATED `{"v":[{"v":…}]}`, RECORD `{"v":{"f":[…]}}`. `formatOptions`
//   (`useInt64Timestamp`, `timestampOutputFormat`) of jobs.query, getQueryResults and tabledata.list
//   turn TIMESTAMPs into integer microseconds or ISO 8601.
// - totalBytesProcessed by the documented logical sizes (8 bytes an INT64, 2 + UTF-8 length a STRING,
//   …, NULL 0) of the columns a query reads; totalBytesBilled rounded up to a MiB, 10 MiB at least.
// - Failures: any status with the error envelope and `Retry-After` (429 / 403 `rateLimitExceeded`,
//   `quotaExceeded`, 500 / 503 `backendError`, …), connections dropped mid-body, failed jobs.
//
// Decided where the docs are silent: queries run on DuckDB (see ``BigQueryEngine`` and
// ``GoogleSQLRewriter``), so GoogleSQL that DuckDB does not share fails as invalidQuery with DuckDB's
// message; "which columns a query reads" is every column whose name appears in its text (all of them
// after a `*`); jobs complete after ``FakeBigQuery/pollsUntilComplete`` polls whatever `timeoutMs` says
// (the fake never waits); page tokens are opaque base64; getQueryResults of a cancelled job answers
// jobComplete with the `stopped` error in `errors`; without `maxResults` a page holds at most
// ``FakeBigQuery/maxRowsPerPage`` rows (the 10 MB limit of the real service); the fake clock starts at
// 2026-01-01 and moves one second per change; job ids are `job_` and 28 random characters.

import Foundation
import Hummingbird
import Synchronization
import _CryptoExtras

/// A fake Google BigQuery on a free port of 127.0.0.1: the REST API v2, the OAuth token endpoint of
/// service-account keys, and the GCE metadata server.
///
/// ```swift
/// let bigQuery = await FakeBigQuery.start()
/// bigQuery.putTable(
///     project: "proj", dataset: "sales", table: "orders",
///     fields: [.init("id", .int64, mode: .required), .init("amount", .numeric)],
///     rows: [[1, "12.50"], [2, nil]])
/// let keyFile = bigQuery.serviceAccountKeyJSON()  // its token_uri is bigQuery.tokenURI
/// // point the client at bigQuery.apiBaseURL (or GCE_METADATA_HOST at bigQuery.metadataHost)
/// bigQuery.inject(.status(429, retryAfter: 1), pathContains: "/queries")
/// await bigQuery.stop()
/// ```
public final class FakeBigQuery: Sendable {
    let store: BigQueryStore
    private let server: LoopbackServer

    private init(store: BigQueryStore, server: LoopbackServer) {
        self.store = store
        self.server = server
    }

    /// Starts the fake and returns once it listens; `projectID` is the project the metadata server
    /// reports.
    public static func start(projectID: String = "proj") async -> FakeBigQuery {
        // One key per fake: 2048-bit generation takes a while, and every key file may share it.
        let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
        let store = BigQueryStore(BigQueryState(projectID: projectID), signingKey: key)
        let router = Router()
        router.add(middleware: BigQueryResponder(store: store))
        let server = await LoopbackServer.start(router, label: "fake-bigquery")
        store.state.withLock { $0.baseURL = server.base }
        return FakeBigQuery(store: store, server: server)
    }

    /// Stops listening.
    public func stop() async {
        await server.stop()
    }

    /// The API base, `http://127.0.0.1:<port>`: requests go to `<apiBaseURL>/bigquery/v2/projects/…`
    /// (the real one is `https://bigquery.googleapis.com`).
    public var apiBaseURL: String { server.base }

    /// The OAuth token endpoint, `http://127.0.0.1:<port>/token`: the `token_uri` of the key files.
    public var tokenURI: String { server.base + "/token" }

    /// `127.0.0.1:<port>`, for `GCE_METADATA_HOST`: the metadata server's paths are
    /// `/computeMetadata/v1/…`.
    public var metadataHost: String { "127.0.0.1:\(server.port)" }

    /// A service-account key file (`GOOGLE_APPLICATION_CREDENTIALS`) for `clientEmail`, whose token
    /// URI is this fake's; from now on the token endpoint knows the account.
    public func serviceAccountKeyJSON(clientEmail: String = "agnes@proj.iam.gserviceaccount.com") -> String {
        let projectID = store.state.withLock { state in
            state.serviceAccounts.insert(clientEmail)
            return state.projectID
        }
        let key: [String: String] = [
            "type": "service_account", "project_id": projectID, "private_key_id": store.keyID,
            "private_key": store.signingKey.pkcs8PEMRepresentation, "client_email": clientEmail,
            "client_id": "100000000000000000001", "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": tokenURI, "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "universe_domain": "googleapis.com",
        ]
        let data = try! JSONSerialization.data(withJSONObject: key, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// A valid access token with the Cloud Platform scope, for tests that skip the OAuth exchange.
    public func accessToken() -> String {
        store.state.withLock { $0.issueToken(scopes: ["https://www.googleapis.com/auth/cloud-platform"]) }
    }

    /// Seconds an access token issued from now on lives (default 3599), also its `expires_in`.
    public var tokenLifetime: Int {
        get { store.state.withLock { $0.tokenLifetime } }
        set { store.state.withLock { $0.tokenLifetime = newValue } }
    }

    /// Access tokens the token endpoint has issued.
    public var tokensIssued: Int { store.state.withLock { $0.tokensIssued } }

    /// Access tokens the metadata server has issued.
    public var metadataTokensIssued: Int { store.state.withLock { $0.metadataTokensIssued } }

    /// Makes every token issued so far expired: API calls with them answer 401.
    public func expireTokens() {
        store.state.withLock { state in
            for token in state.tokens.keys { state.tokens[token]?.expiresAt = .distantPast }
        }
    }

    /// The polls (getQueryResults or jobs.get) a job answers as not complete before it completes
    /// (default 0: jobs.query answers the rows at once). With N > 0, jobs.query answers
    /// `jobComplete: false` and the next N polls do too.
    public var pollsUntilComplete: Int {
        get { store.state.withLock { $0.pollsUntilComplete } }
        set { store.state.withLock { $0.pollsUntilComplete = newValue } }
    }

    /// The page size of datasets.list and tables.list (default 1000); `maxResults` may ask for less.
    public var listPageSize: Int {
        get { store.state.withLock { $0.listPageSize } }
        set { store.state.withLock { $0.listPageSize = max(newValue, 1) } }
    }

    /// The most rows a result page holds (default 100,000), whatever `maxResults` asks for: the fake's
    /// stand-in for the service's 10 MB page limit.
    public var maxRowsPerPage: Int {
        get { store.state.withLock { $0.maxRowsPerPage } }
        set { store.state.withLock { $0.maxRowsPerPage = max(newValue, 1) } }
    }

    /// The query jobs created so far, oldest first (dry runs create none).
    public var jobs: [FakeBigQueryJob] {
        store.state.withLock { state in state.jobOrder.compactMap { state.jobs[$0]?.summary } }
    }

    /// The job ids jobs.cancel was called for, in order.
    public var cancelledJobs: [String] { store.state.withLock { $0.cancelledJobs } }

    /// Returns the id of the first job cancelled (`jobs.cancel`) from now on, or of one already
    /// cancelled when `alreadyCancelled` is true and there is one.
    public func nextCancellation(orAlreadyCancelled alreadyCancelled: Bool = true) async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let done = store.state.withLock { state -> String? in
                if alreadyCancelled, let first = state.cancelledJobs.first { return first }
                state.cancellationWatchers.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Every request received so far, oldest first.
    public var requests: [FakeBigQueryRequest] { store.state.withLock { $0.requests } }

    /// Forgets the recorded requests.
    public func clearRequests() {
        store.state.withLock { $0.requests.removeAll() }
    }

    /// Makes the next `count` requests whose path contains `pathContains` fail with `failure`
    /// (`.jobError` counts only the query jobs it fails). Earlier injections match first.
    public func inject(_ failure: FakeBigQueryFailure, pathContains: String, count: Int = 1) {
        store.state.withLock {
            $0.injections.append(.init(failure: failure, pathContains: pathContains, remaining: count))
        }
    }
}
