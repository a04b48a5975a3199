import DuckDB

/// One numbered step of the system store's schema. Each runs in its own transaction together with
/// the `schema_version` row that records it.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: [String]

    func apply(on connection: Connection) throws {
        for statement in statements { try connection.execute(statement) }
    }
}

/// The ordered list of migrations; the last one's version is what this binary writes.
enum Migrations {
    static let all: [Migration] = [
        Migration(version: BaselineSchema.version, name: "baseline (original schema v24)", statements: BaselineSchema.statements),
        Migration(
            version: 25, name: "scheduler job state",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS scheduler_jobs (
                    name VARCHAR PRIMARY KEY,
                    last_run_at TIMESTAMP,
                    last_status VARCHAR,
                    last_error TEXT,
                    last_duration_ms BIGINT,
                    lock_owner VARCHAR,
                    lock_expires_at TIMESTAMP
                )
                """
            ]),
    ]

    /// The schema version this binary writes.
    static var latest: Int { all.last!.version }
}
