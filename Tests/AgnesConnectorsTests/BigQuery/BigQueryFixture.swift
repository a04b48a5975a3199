import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesFakes
import DuckDB
import Foundation
import Logging
import Synchronization

/// A BigQuery connector pointed at a ``FakeBigQuery`` on 127.0.0.1 (API, token endpoint, metadata
/// server), over a fresh data directory, authenticated with a service-account key file the fake
/// issued; retry delays are recorded instead of slept.
final class BigQueryFixture: Sendable {
    let bigquery: FakeBigQuery
    let root: URL
    let keyFile: URL
    let connector: BigQueryConnector
    let tokens: GoogleAccessTokens
    let sleeps = Locked<[Duration]>([])
    private let box = Locked<BigQueryConfiguration?>(nil)

    static let project = "acme-data"

    static func start(useMetadataServer: Bool = false) async throws -> BigQueryFixture {
        try BigQueryFixture(
            bigquery: await FakeBigQuery.start(projectID: project), useMetadataServer: useMetadataServer)
    }

    private init(bigquery: FakeBigQuery, useMetadataServer: Bool) throws {
        self.bigquery = bigquery
        root = FileManager.default.temporaryDirectory.appendingPathComponent("bq-connector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        keyFile = root.appendingPathComponent("key.json")
        try bigquery.serviceAccountKeyJSON().write(to: keyFile, atomically: true, encoding: .utf8)
        var logger = Logger(label: "test.bigquery")
        logger.logLevel = .critical
        tokens = GoogleAccessTokens(
            source: useMetadataServer
                ? .metadataServer(host: bigquery.metadataHost) : .serviceAccount(keyFile: keyFile.path),
            http: BigQueryConnector.defaultHTTPClient)
        let box = self.box
        connector = BigQueryConnector(
            layout: DataLayout(root: root), tokens: tokens, logger: logger, configuration: { box.value })
        let sleeps = self.sleeps
        box.withLock {
            $0 = BigQueryConfiguration(
                apiBaseURL: bigquery.apiBaseURL, dataProject: Self.project, billingProject: "acme-jobs",
                pageSize: 2, waitPerCall: .seconds(1),
                retry: RetryPolicy(maxAttempts: 4, baseDelay: .seconds(1)) { delay in
                    sleeps.withLock { $0.append(delay) }
                })
        }
    }

    func configure(_ change: (inout BigQueryConfiguration) -> Void) {
        box.withLock { configuration in
            guard var value = configuration else { return }
            change(&value)
            configuration = value
        }
    }

    func unconfigure() { box.withLock { $0 = nil } }

    func stop() async {
        await bigquery.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// Syncs `due` (all registered) and returns the outcomes by table id.
    @discardableResult
    func sync(_ due: [TableRegistration], registered: [TableRegistration]? = nil) async throws -> [String:
        SyncTableOutcome]
    {
        let result = try await connector.sync(ConnectorSyncRequest(due: due, registered: registered ?? due))
        return Dictionary(result.outcomes.map { ($0.tableID, $0) }) { a, _ in a }
    }

    var extractFile: URL { root.appendingPathComponent("extracts/bigquery/extract.duckdb") }

    /// A sandbox holding the extract's remote tables, read through the connector's reader.
    func sandbox(timeout: Duration = .seconds(20)) throws -> QuerySandbox {
        let extract = try ExtractSnapshot.remoteTables(extractFile)
        return try QuerySandbox(
            tables: extract, limits: SandboxLimits(memoryLimit: "256MB", timeout: timeout),
            files: SandboxFiles(root: root.appendingPathComponent("tmp/sandbox")),
            remote: RemoteSources(["bigquery": connector.remoteReader!]))
    }

    /// The GoogleSQL of the query jobs that ran (not dry runs), in order.
    var queries: [String] { bigquery.jobs.map(\.query) }

    /// The recorded delays of the retry policy.
    var recordedSleeps: [Duration] { sleeps.value }
}

/// A value behind a lock that closures can share (a `Mutex` cannot be captured).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value { mutex.withLock { $0 } }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

/// The remote tables of an extract file, as the served generation would list them.
enum ExtractSnapshot {
    static func remoteTables(_ file: URL) throws -> [ServedTable] {
        let connection = try DuckDB.Database(path: file.path, options: ["access_mode": "READ_ONLY"]).connect()
        let names = try connection.query("SELECT table_name FROM _meta WHERE query_mode = 'remote'").rows.compactMap {
            $0[0].string
        }
        return try names.map { name in
            let columns = try connection.query(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [.varchar(name)]
            ).rows.map { RemoteColumn(name: $0[0].string ?? "", type: $0[1].string ?? "") }
            return ServedTable(
                id: name, source: "bigquery", queryMode: "remote", file: nil, md5: nil, sizeBytes: nil, rows: nil,
                remoteColumns: columns)
        }
    }
}
