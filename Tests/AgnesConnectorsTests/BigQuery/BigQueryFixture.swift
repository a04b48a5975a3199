import AgnesCore
import AgnesData
import AgnesFakes
import DuckDB
import Foundation
import Logging
import Synchronization

@testable import AgnesConnectors

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
    static func remoteTables(_ file: URL, source: String = "bigquery") throws -> [ServedTable] {
        served(PreviousExtract.read(file).values, source: source)
    }

    static func served(_ tables: some Sequence<ExtractTable>, source: String) -> [ServedTable] {
        tables.filter { $0.queryMode == "remote" }.sorted { $0.name < $1.name }.map { table in
            ServedTable(
                id: table.name.rawValue, source: source, queryMode: "remote", file: nil, md5: nil, sizeBytes: nil,
                rows: table.rows, remoteColumns: table.remoteColumns)
        }
    }
}
