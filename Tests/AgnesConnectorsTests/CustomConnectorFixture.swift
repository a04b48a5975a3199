import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesTestSupport
import DuckDB
import Foundation
import Logging

/// A temporary `CONNECTORS_DIR` and `DATA_DIR` with helpers to write connectors: Python programs run by
/// the test venv's interpreter (which has the duckdb package: scripts/setup.sh) or shell scripts.
final class CustomConnectorFixture: Sendable {
    let root: URL
    let connectors: URL
    let layout: DataLayout

    /// The Python of the test venv.
    static var python: String { PyArrow.python }

    /// Python that starts an extract in the working directory: `con` is open on `extract.duckdb`, `meta`
    /// adds a `_meta` row, `parquet(name, sql)` writes `data/<name>.parquet` and a view reading it by its
    /// relative path.
    static let prelude = """
        import duckdb, os, sys
        os.makedirs("data", exist_ok=True)
        con = duckdb.connect("extract.duckdb")
        con.execute("CREATE TABLE _meta (table_name VARCHAR NOT NULL, description VARCHAR, rows BIGINT, "
                    "size_bytes BIGINT, extracted_at TIMESTAMP, query_mode VARCHAR DEFAULT 'local')")
        def meta(name, description=None, mode="local"):
            con.execute("INSERT INTO _meta VALUES (?, ?, NULL, NULL, now()::TIMESTAMP, ?)", [name, description, mode])
        def parquet(name, sql):
            con.execute(f"COPY ({sql}) TO 'data/{name}.parquet' (FORMAT parquet)")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('data/{name}.parquet')")
            meta(name)

        """

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-custom-\(UUID().uuidString)")
        connectors = root.appendingPathComponent("connectors")
        layout = DataLayout(root: root.appendingPathComponent("data"))
        try FileManager.default.createDirectory(at: connectors, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Writes `connectors/<name>/extractor.py` (the prelude, then `body`) and a `connector.yaml` that
    /// runs it with the test venv's Python, plus `yaml` lines.
    @discardableResult
    func python(_ name: String, _ body: String, yaml: String = "") throws -> URL {
        let directory = connectors.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try (Self.prelude + body + "\ncon.close()\n").write(
            to: directory.appendingPathComponent("extractor.py"), atomically: true, encoding: .utf8)
        try "command: [\(Self.quoted(Self.python)), ./extractor.py]\n\(yaml)".write(
            to: directory.appendingPathComponent("connector.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    /// Writes `connectors/<name>/extractor`, an executable shell script, and `yaml` as its configuration.
    @discardableResult
    func shell(_ name: String, _ script: String, yaml: String = "") throws -> URL {
        let directory = connectors.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("extractor")
        try ("#!/bin/sh\n" + script).write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, 0o755)
        if !yaml.isEmpty {
            try yaml.write(to: directory.appendingPathComponent("connector.yaml"), atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// The connector of `connectors/<name>`.
    func connector(_ name: String, environment: [String: String] = [:], policy: RemoteAttachPolicy = .defaults)
        -> CustomConnector
    {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return CustomConnector(
            name: Identifier(name)!, directory: connectors.appendingPathComponent(name), layout: layout,
            policy: policy, environment: environment, gracePeriod: .milliseconds(200), logger: logger)
    }

    /// The published extract of `source`, or nil when there is none.
    func extract(_ source: String) -> URL? {
        let file = layout.sourceDirectory(Identifier(source)!).appendingPathComponent("extract.duckdb")
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }

    /// Runs `sql` on the published extract of `source`, attached read-only as the default catalog's
    /// neighbour and used as the current one (its views read their published files).
    func query(_ source: String, _ sql: String) throws -> [Record] {
        let file = try require(extract(source))
        let connection = try Database(options: ["threads": "1"]).connect()
        try connection.execute("ATTACH '\(file.path)' AS published (READ_ONLY)")
        try connection.execute("USE published")
        return try connection.query(sql).records
    }

    static func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
}

/// `#require` outside a test body: throws when `value` is nil.
private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw MissingValue() }
    return value
}

private struct MissingValue: Error {}

/// Whether the process `pid` is gone (or a zombie nobody has reaped yet: it runs no more).
func isGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    guard let close = stat.lastIndex(of: ")") else { return true }
    let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
    return state == "Z" || state == "X"
}
