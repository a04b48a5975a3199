import AgnesCore
import DuckDB
import Foundation

/// The analytics file's record of which view comes from which source, at which source signature,
/// and the code that brings the file's views to a desired set with as little re-binding as possible.
enum ViewLedger {
    struct Entry: Sendable, Hashable {
        let view: Identifier
        let source: Identifier
        let signature: String
    }

    static let table = "_agnes_views"

    /// The recorded entries, keyed by view name; nil when the file has no ledger (a fresh file).
    static func read(_ connection: Connection) throws -> [String: (source: String, signature: String)]? {
        let exists =
            try connection.query(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = ?",
                [.varchar(table)]
            ).rows[0][0].int ?? 0
        guard exists > 0 else { return nil }
        var entries: [String: (source: String, signature: String)] = [:]
        for row in try connection.query("SELECT view_name, source_name, source_signature FROM \(table)").records {
            if let view = row["view_name"].string, let source = row["source_name"].string {
                entries[view] = (source, row["source_signature"].string ?? "")
            }
        }
        return entries
    }

    /// True when some view of `source` is new, moved or has a changed signature.
    static func needsBinding(
        source: Identifier, desired: [Entry], existing: [String: (source: String, signature: String)]?
    ) -> Bool {
        desired.contains { entry in
            guard entry.source == source else { return false }
            guard let old = existing?[entry.view.rawValue] else { return true }
            return old.source != entry.source.rawValue || old.signature != entry.signature
        }
    }

    /// Creates, replaces and drops views so that the file holds exactly `desired` (minus views that
    /// cannot be created, which are reported). Returns view name → source of every view now present.
    static func apply(
        desired: [Entry], existing: [String: (source: String, signature: String)]?, on connection: Connection,
        issues: inout [RebuildIssue]
    ) throws -> [String: String] {
        let existing = existing ?? [:]
        let wanted = Set(desired.map(\.view.rawValue))
        let stale = existing.keys.filter { !wanted.contains($0) }.sorted()
        let changed = desired.filter { entry in
            guard let old = existing[entry.view.rawValue] else { return true }
            return old.source != entry.source.rawValue || old.signature != entry.signature
        }
        var failed: Set<String> = []
        if changed.isEmpty, stale.isEmpty, existing.count == desired.count {
            return Dictionary(uniqueKeysWithValues: desired.map { ($0.view.rawValue, $0.source.rawValue) })
        }
        // Fast path: everything in one transaction. A failing view aborts it; then each changed view is
        // checked on its own, the failures are reported and the transaction is replayed without them.
        do {
            try write(changed: changed, stale: stale, desired: desired, skipping: failed, on: connection)
        } catch {
            try? connection.execute("ROLLBACK")
            for entry in changed {
                do {
                    _ = try connection.prepare("SELECT * FROM \(entry.source.quoted).\(entry.view.quoted) LIMIT 0")
                } catch {
                    failed.insert(entry.view.rawValue)
                    issues.append(
                        RebuildIssue(
                            source: entry.source.rawValue, table: entry.view.rawValue,
                            message: "view cannot be created: \(AnalyticsBuilder.describe(error))"))
                }
            }
            try write(changed: changed, stale: stale, desired: desired, skipping: failed, on: connection)
        }
        var present: [String: String] = [:]
        for entry in desired where !failed.contains(entry.view.rawValue) {
            present[entry.view.rawValue] = entry.source.rawValue
        }
        return present
    }

    private static func write(
        changed: [Entry], stale: [String], desired: [Entry], skipping failed: Set<String>, on connection: Connection
    ) throws {
        try connection.execute("BEGIN TRANSACTION")
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS \(table) (view_name VARCHAR PRIMARY KEY, source_name VARCHAR NOT NULL, source_signature VARCHAR)"
        )
        for view in stale where Identifier.isValid(view) {
            try connection.execute("DROP VIEW IF EXISTS main.\"\(view)\"")
        }
        for entry in changed {
            if failed.contains(entry.view.rawValue) {
                try connection.execute("DROP VIEW IF EXISTS main.\(entry.view.quoted)")
            } else {
                try connection.execute(
                    "CREATE OR REPLACE VIEW main.\(entry.view.quoted) AS SELECT * FROM \(entry.source.quoted).\(entry.view.quoted)"
                )
            }
        }
        try connection.execute("DELETE FROM \(table)")
        let appender = try connection.appender(table: table)
        for entry in desired where !failed.contains(entry.view.rawValue) {
            try appender.append([
                .varchar(entry.view.rawValue), .varchar(entry.source.rawValue), .varchar(entry.signature),
            ])
        }
        try appender.close()
        try connection.execute("COMMIT")
    }
}
