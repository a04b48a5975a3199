import DuckDB
import Foundation
import Logging

/// Brings a system store file to the latest schema: refuses newer or unknown files, backs an
/// existing file up before changing it, and applies each step in a transaction.
struct Migrator {
    let path: String?
    let logger: Logger
    var migrations: [Migration] = Migrations.all

    var latest: Int { migrations.last!.version }

    /// The recorded schema version: 0 for a new, empty database.
    static func currentVersion(_ connection: Connection) throws -> Int {
        let hasTable =
            try connection.query(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'schema_version'"
            ).rows[0][0].int ?? 0
        guard hasTable > 0 else { return 0 }
        return try connection.query("SELECT coalesce(max(version), 0) FROM schema_version").rows[0][0].int ?? 0
    }

    /// Migrates and returns the (from, to) versions.
    @discardableResult
    func migrate(_ connection: Connection) throws -> (from: Int, to: Int) {
        let current = try Self.currentVersion(connection)
        let file = path ?? ":memory:"
        if current > latest {
            throw StoreError(
                .schemaTooNew,
                "\(file) has schema version \(current), newer than the \(latest) this agnes binary knows; "
                    + "run a newer agnes, or restore the backup taken before the upgrade")
        }
        let baseline = migrations.first!.version
        if current == 0 {
            let tables =
                try connection.query(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main'"
                ).rows[0][0].int ?? 0
            if tables > 0 {
                throw StoreError(
                    .notAStore, "\(file) is a DuckDB database but not an Agnes system store (no schema_version table)")
            }
        } else if current < baseline {
            throw StoreError(
                .schemaTooOld,
                "\(file) has schema version \(current); this agnes migrates from version \(baseline) on. "
                    + "Upgrade it with the original Agnes (0.34 or later) first")
        }
        if current > 0 {
            // Self-heal: the baseline is idempotent and restores any table a damaged file lost.
            try connection.transaction { try migrations[0].apply(on: connection) }
        }
        let pending = migrations.filter { $0.version > current }
        guard !pending.isEmpty else { return (current, current) }
        if current > 0 { try backUp(connection, version: current) }
        for migration in pending {
            logger.info(
                "migrating system store", metadata: ["version": "\(migration.version)", "step": "\(migration.name)"])
            do {
                try connection.transaction {
                    try migration.apply(on: connection)
                    try connection.run(
                        "INSERT INTO schema_version (version, applied_at) VALUES (?, current_timestamp)",
                        [.integer(Int32(migration.version))])
                }
            } catch {
                throw StoreError(
                    .migrationFailed,
                    "\(file): migration to version \(migration.version) (\(migration.name)) failed and was rolled back: \(error)",
                    cause: error)
            }
        }
        return (current, latest)
    }

    /// Copies the file (after a checkpoint, so the WAL is empty) to `<file>.pre-migrate-v<version>`.
    private func backUp(_ connection: Connection, version: Int) throws {
        guard let path else { return }
        try connection.execute("CHECKPOINT")
        let backup = "\(path).pre-migrate-v\(version)"
        let manager = FileManager.default
        try? manager.removeItem(atPath: backup)
        try manager.copyItem(atPath: path, toPath: backup)
        logger.notice("backed up the system store before migrating", metadata: ["backup": "\(backup)"])
    }
}
