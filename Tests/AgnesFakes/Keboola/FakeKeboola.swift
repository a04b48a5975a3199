// A fake Keboola stack on 127.0.0.1: the Storage API calls a table-export client makes, and the object
// stores (S3, GCS, Azure Blob) that serve the exported slices, speaking the documented protocols so a
// client that works against it works against a real stack after a configuration change.
//
// Documented behaviour it reproduces (sources: keboola.docs.apiary.io = storage-api-php-client
// apiary.apib; developers.keboola.com/integrate/storage/api/import-export; AWS S3 API reference; GCS
// JSON API; research notes in /work/research/keboola-storage-api.md):
// - `X-StorageApi-Token` on every Storage API call (name case-insensitive); a wrong or missing token is
//   401 `{"error":"Invalid access token","code":"storage.tokenInvalid","status":"error","exceptionId":…}`.
// - `GET /v2/storage/tokens/verify` with `owner.fileStorageProvider`; `GET /v2/storage/buckets`;
//   `GET /v2/storage/tables` and `/buckets/{id}/tables` honouring `include` (columns, metadata (the
//   default), columnMetadata, buckets), no pagination; `GET /v2/storage/tables/{id}` (404 envelope when
//   unknown). Empty maps as `[]` (PHP). Dates as `2026-01-01T00:00:00+0000`. Branch-scoped paths
//   `/v2/storage/branch/{id|default}/…` work as well.
// - `POST /v2/storage/tables/{id}/export-async` with a JSON or form body (PHP bracket arrays, or
//   `columns=a,b`): columns, changedSince/changedUntil (unix seconds, ISO 8601, `-N days`),
//   whereFilters (eq/ne with IN semantics, gt/ge/lt/le, numeric dataType), legacy whereColumn, orderBy,
//   limit, gzip, format=rfc, fileType=csv, includeInternalTimestamp. 202 with a `waiting` job.
// - `GET /v2/storage/jobs/{id}`: waiting → processing → success, `results.file.id`, `cacheHit:false`;
//   failed jobs `status:"error"` with `error{code,message,exceptionId}`.
// - `GET /v2/storage/files/{id}?federationToken=1`: a sliced file whose `url` is the manifest, presigned;
//   `s3Path`+`credentials` (STS-style, with SessionToken), `gcsPath`+`gcsCredentials`, or
//   `absPath`+`absCredentials` (SAS connection string). Fresh credentials on each call, scoped to the
//   file's key prefix.
// - Manifest `{"entries":[{"url":"s3://…"}]}` at `<key>manifest` (`gs://…`, `azure://<account>.blob.core.windows.net/…`),
//   slices `<key>0000_part_00[.gz]`: header-less RFC 4180 CSV, every value quoted, quotes doubled,
//   UTF-8, each slice its own gzip member when gzip was asked.
// - S3 GETs verify AWS Signature Version 4 (header or presigned query) including the session token;
//   S3 XML errors (SignatureDoesNotMatch with CanonicalRequest/StringToSign, ExpiredToken, NoSuchKey…).
//   GCS JSON API `…/o/<encoded key>?alt=media` with `Authorization: Bearer`; Azure GETs with the SAS.
//   Single `Range` requests are honoured (206) on all three.
// - Workspaces and the Query Service (research §8; keboola/query-service-api-python-sdk models):
//   `GET /v2/storage` lists `services` with `{"id":"query","url":<base>/query-service}`;
//   `GET /v2/storage/dev-branches/` → `[{id, name, isDefault: true, …}]`; `POST /v2/storage/workspaces`
//   `{"backend":"snowflake","readOnlyStorageAccess":true}` → 201 workspace, list/get/delete.
//   `POST <query>/api/v1/branches/{branchId}/workspaces/{workspaceId}/queries` `{"statements":[sql],…}`
//   → 201 `{"queryJobId"}` (404 for an unknown branch or workspace); `GET <query>/api/v1/queries/{id}`
//   → `{queryJobId, status: processing|completed|failed, statements:[{id, status, error?, numberOfRows?}]}`;
//   `GET <query>/api/v1/queries/{id}/{statementId}/results?offset=&pageSize=` → `{status, columns:[{name,
//   type, nullable, length}], data: rows of strings or null, numberOfRows, rowsAffected}`. Errors are
//   `{"exception","exceptionId","context"}`; the token goes in `X-StorageApi-Token` (or a Bearer header).
//   The statement really runs: the project's tables are loaded as text columns into an in-memory DuckDB,
//   schemas named by bucket id (`"in.c-main"."orders"`), and the result's DuckDB types are given their
//   Snowflake names (BIGINT → NUMBER(38,0), DECIMAL(p,s) → NUMBER(p,s), DOUBLE → FLOAT, VARCHAR → TEXT,
//   TIMESTAMP → TIMESTAMP_NTZ, …); a statement DuckDB refuses makes the job `failed` with the statement's
//   `error` ("SQL compilation error: …"). Injected failures apply to these paths too.
// - Failures: statuses with `Retry-After`, the 503 maintenance body, connections dropped mid-body,
//   failed jobs, expired object-store credentials.
//
// Decided where the docs are silent: `changedSince` is inclusive and `changedUntil` exclusive; rows keep
// insertion order (an upsert replaces a row in place); records end with `\n`; `_timestamp` (with
// includeInternalTimestamp) is the last column, rendered `2026-01-01 00:00:01`; gt/ge/lt/le take one
// value and compare UTF-8 bytes unless a numeric dataType is given; export parameters are validated
// synchronously (400 `storage.tables.validation`); parquet and non-rfc formats are refused (400); the
// job error code is `storage.jobs.failed`; 429 answers carry code `storage.tooManyRequests`; the clock
// only moves on data changes, and object-store requests are not checked for clock skew.

import Foundation
import Hummingbird
import Synchronization

/// A fake Keboola stack on a free port of 127.0.0.1: Storage API (tokens, buckets, tables, async table
/// export, jobs, files, dev branches, workspaces), the Query Service (SQL run by DuckDB), plus S3, GCS and Azure Blob emulation for the exported slices.
///
/// ```swift
/// let keboola = await FakeKeboola.start()
/// keboola.putTable(FakeKeboolaTable(id: "in.c-crm.contacts", columns: ["id", "name"], primaryKey: ["id"],
///                                   rows: [["1", "Ada"], ["2", "Bo"]]))
/// // point the client at keboola.stackURL with keboola.token, and its S3 base at keboola.s3Endpoint
/// keboola.upsert(tableID: "in.c-crm.contacts", rows: [["2", "Bob"]])
/// keboola.inject(.status(429, retryAfter: 1), pathContains: "/export-async")
/// await keboola.stop()
/// ```
public final class FakeKeboola: Sendable {
    /// The stack's file storage (`owner.fileStorageProvider`), which decides how slices are downloaded.
    public enum Provider: Sendable {
        /// S3 with SigV4 and federation credentials; region `eu-central-1`.
        case aws
        /// Google Cloud Storage with an OAuth bearer token.
        case gcp
        /// Azure Blob Storage with a container SAS.
        case azure
    }

    /// The storage account name in Azure entry URLs and in the SAS connection string's endpoint.
    public static let azureAccount = "kbcfakefiles"

    let store: KeboolaStore
    private let server: LoopbackServer

    private init(store: KeboolaStore, server: LoopbackServer) {
        self.store = store
        self.server = server
    }

    /// Starts the fake and returns once it listens.
    public static func start(token: String = "kbc-test-token", provider: Provider = .aws) async -> FakeKeboola {
        let store = KeboolaStore(KeboolaState(token: token, provider: provider))
        let router = Router()
        router.add(middleware: KeboolaResponder(store: store))
        let server = await LoopbackServer.start(router, label: "fake-keboola")
        store.state.withLock { $0.baseURL = server.base }
        return FakeKeboola(store: store, server: server)
    }

    /// Stops listening.
    public func stop() async {
        await server.stop()
    }

    /// The Storage API base, `http://127.0.0.1:<port>` (no trailing slash).
    public var stackURL: String { server.base }

    /// The base of path-style S3 requests: `GET <s3Endpoint>/<bucket>/<key>`, signed with SigV4.
    public var s3Endpoint: String { server.base + "/s3" }

    /// The base of the GCS JSON API: `GET <gcsEndpoint>/storage/v1/b/<bucket>/o/<encoded key>?alt=media`.
    public var gcsEndpoint: String { server.base + "/gcs" }

    /// The Azure blob endpoint (also in `absCredentials.SASConnectionString`): `GET <endpoint>/<container>/<blob>?<sas>`.
    public var azureBlobEndpoint: String { server.base + "/azure/" + Self.azureAccount }

    /// The Storage API token the fake accepts; setting it revokes the old one.
    public var token: String {
        get { store.state.withLock { $0.token } }
        set { store.state.withLock { $0.token = newValue } }
    }

    /// The file storage of exports created from now on.
    public var provider: Provider { store.state.withLock { $0.provider } }

    /// Switches the file storage for exports created from now on (and `owner.fileStorageProvider`).
    public func setProvider(_ provider: Provider) {
        store.state.withLock { $0.provider = provider }
    }

    /// Rows per export slice (default 3): an export has `ceil(rows / rowsPerSlice)` slices, at least one
    /// (an empty export has one empty slice).
    public var rowsPerSlice: Int {
        get { store.state.withLock { $0.rowsPerSlice } }
        set { store.state.withLock { $0.rowsPerSlice = max(newValue, 1) } }
    }

    /// The poll on which a job succeeds (default 2): `waiting` when created, `processing` on earlier polls.
    /// 1 or less: the first poll already succeeds.
    public var pollsUntilDone: Int {
        get { store.state.withLock { $0.pollsUntilDone } }
        set { store.state.withLock { $0.pollsUntilDone = newValue } }
    }

    /// The fake server clock: starts at 2026-01-01T00:00:00Z and advances one second per data change
    /// (``putTable(_:)``, ``upsert(tableID:rows:)``, ``delete(tableID:keys:)``). Job and file times read it.
    public var now: Date { store.state.withLock { $0.now } }

    /// Every request received so far, oldest first.
    public var requests: [FakeKeboolaRequest] { store.state.withLock { $0.requests } }

    /// Forgets the recorded requests.
    public func clearRequests() {
        store.state.withLock { $0.requests.removeAll() }
    }

    /// Makes the next `count` requests whose path contains `pathContains` fail with `failure`
    /// (`.jobError` only counts export-async POSTs and job polls, `.expiredCredentials` only object-store
    /// GETs). Earlier injections match first.
    public func inject(_ failure: FakeKeboolaFailure, pathContains: String, count: Int = 1) {
        store.state.withLock {
            $0.injections.append(Injection(failure: failure, pathContains: pathContains, remaining: count))
        }
    }
}
