import AgnesCore
import AgnesData
import AgnesFakes
import DuckDB
import Foundation
import Logging
import Synchronization

@testable import AgnesConnectors

/// A Keboola connector pointed at a ``FakeKeboola`` on 127.0.0.1, over a fresh data directory; retry
/// delays are recorded instead of slept.
final class KeboolaFixture: Sendable {
    let keboola: FakeKeboola
    let root: URL
    let connector: KeboolaConnector
    let sleeps = SleepLog()
    let isConfigured = Mutex(true)

    static func start(provider: FakeKeboola.Provider = .aws) async throws -> KeboolaFixture {
        let keboola = await FakeKeboola.start(provider: provider)
        return try KeboolaFixture(keboola: keboola)
    }

    private init(keboola: FakeKeboola) throws {
        self.keboola = keboola
        root = try temporaryDirectory("kbc-connector")
        let layout = DataLayout(root: root)
        var logger = Logger(label: "test.keboola")
        logger.logLevel = .critical
        let box = ConfigurationBox()
        connector = KeboolaConnector(layout: layout, logger: logger, configuration: { box.value })
        box.set(
            KeboolaConfiguration(
                stackURL: keboola.stackURL, token: keboola.token, s3Endpoint: keboola.s3Endpoint,
                gcsEndpoint: keboola.gcsEndpoint, pollInterval: .zero, maxPollInterval: .zero, incrementalOverlap: .zero,
                retry: RetryPolicy(maxAttempts: 4, baseDelay: .seconds(1)) { [sleeps] delay in sleeps.append(delay) }))
        self.box = box
    }

    private let box: ConfigurationBox

    /// Replaces the configuration (nil = not configured).
    func configure(_ change: (inout KeboolaConfiguration) -> Void) {
        guard var configuration = box.value else { return }
        change(&configuration)
        box.set(configuration)
    }

    func unconfigure() { box.set(nil) }

    func stop() async {
        await keboola.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// Syncs `due` (all registered) and returns the outcomes by table id.
    @discardableResult
    func sync(_ due: [TableRegistration], registered: [TableRegistration]? = nil) async throws -> [String: SyncTableOutcome] {
        let result = try await connector.sync(ConnectorSyncRequest(due: due, registered: registered ?? due))
        return Dictionary(result.outcomes.map { ($0.tableID, $0) }) { a, _ in a }
    }

    /// Puts `table` and then another table, so that the fake's clock (which moves on writes only) is
    /// past `table`'s rows when the first export runs: a later change export then holds only the changes.
    func putTableThenTick(_ table: FakeKeboolaTable) {
        keboola.putTable(table)
        keboola.putTable(FakeKeboolaTable(id: "in.c-clock.tick", columns: ["t"]))
    }

    var extractFile: URL { root.appendingPathComponent("extracts/keboola/extract.duckdb") }

    /// The extract's tables.
    func extract() -> [String: ExtractTable] { PreviousExtract.read(extractFile) }

    /// Rows of a table as the extract's view serves them, ordered by the first column.
    func rows(_ table: String, _ columns: String = "*") throws -> [[DuckDBValue]] {
        let connection = try Database().connect()
        try connection.execute("ATTACH '\(extractFile.path)' AS keboola (READ_ONLY)")
        return try connection.query("SELECT \(columns) FROM keboola.\"\(table)\" ORDER BY 1").rows
    }

    /// Column names and types of a table.
    func schema(_ table: String) throws -> [String] {
        let connection = try Database().connect()
        try connection.execute("ATTACH '\(extractFile.path)' AS keboola (READ_ONLY)")
        return try connection.query("DESCRIBE keboola.\"\(table)\"").rows.map { "\($0[0].string ?? "") \($0[1].string ?? "")" }
    }

    var recordedSleeps: [Duration] { sleeps.all }

    /// Storage API and object-store requests whose path contains `part`.
    func requests(_ part: String) -> [FakeKeboolaRequest] { keboola.requests.filter { $0.path.contains(part) } }
}

/// The connector's configuration, swappable by a test.
final class ConfigurationBox: Sendable {
    private let stored = Mutex<KeboolaConfiguration?>(nil)
    var value: KeboolaConfiguration? { stored.withLock { $0 } }
    func set(_ value: KeboolaConfiguration?) { stored.withLock { $0 = value } }
}

/// The delays a retry policy asked for.
final class SleepLog: Sendable {
    private let delays = Mutex<[Duration]>([])
    var all: [Duration] { delays.withLock { $0 } }
    func append(_ delay: Duration) { delays.withLock { $0.append(delay) } }
}
