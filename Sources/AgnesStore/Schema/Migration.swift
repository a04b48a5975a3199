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
        Migration(
            version: BaselineSchema.version, name: "baseline (original schema v24)",
            statements: BaselineSchema.statements),
        Migration(
            version: 25, name: "scheduler job state; membership and grant tables without foreign keys",
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
                """,
                // Files written by the original carry foreign keys on these two tables (see BaselineSchema):
                // rebuild them without.
                "CREATE TABLE user_group_members_rebuilt AS SELECT user_id, group_id, source, added_at, added_by FROM user_group_members",
                "DROP TABLE user_group_members",
                """
                CREATE TABLE user_group_members (
                    user_id VARCHAR NOT NULL,
                    group_id VARCHAR NOT NULL,
                    source VARCHAR NOT NULL,
                    added_at TIMESTAMP DEFAULT current_timestamp,
                    added_by VARCHAR,
                    PRIMARY KEY (user_id, group_id)
                )
                """,
                "INSERT INTO user_group_members SELECT * FROM user_group_members_rebuilt",
                "DROP TABLE user_group_members_rebuilt",
                """
                CREATE TABLE resource_grants_rebuilt AS
                SELECT id, group_id, resource_type, resource_id, assigned_at, assigned_by FROM resource_grants
                """,
                "DROP TABLE resource_grants",
                """
                CREATE TABLE resource_grants (
                    id VARCHAR PRIMARY KEY,
                    group_id VARCHAR NOT NULL,
                    resource_type VARCHAR NOT NULL,
                    resource_id VARCHAR NOT NULL,
                    assigned_at TIMESTAMP DEFAULT current_timestamp,
                    assigned_by VARCHAR,
                    UNIQUE (group_id, resource_type, resource_id)
                )
                """,
                "INSERT INTO resource_grants SELECT * FROM resource_grants_rebuilt",
                "DROP TABLE resource_grants_rebuilt",
            ]),
        Migration(
            version: 26, name: "revocable sessions: a per-user session epoch and revoked session ids",
            statements: [
                "ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0",
                """
                CREATE TABLE IF NOT EXISTS revoked_sessions (
                    jti VARCHAR PRIMARY KEY,
                    user_id VARCHAR NOT NULL,
                    expires_at TIMESTAMP NOT NULL,
                    revoked_at TIMESTAMP DEFAULT current_timestamp
                )
                """,
            ]),
        Migration(
            version: 27, name: "sync runs with per-table outcomes; the last check of every table",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS sync_runs (
                    id VARCHAR PRIMARY KEY,
                    trigger VARCHAR NOT NULL,
                    requested_by VARCHAR,
                    requested_tables VARCHAR,
                    status VARCHAR NOT NULL,
                    queued_at TIMESTAMP NOT NULL,
                    started_at TIMESTAMP,
                    finished_at TIMESTAMP,
                    error TEXT,
                    generation BIGINT
                )
                """,
                "ALTER TABLE sync_history ADD COLUMN IF NOT EXISTS run_id VARCHAR",
                "ALTER TABLE sync_history ADD COLUMN IF NOT EXISTS source VARCHAR",
                """
                CREATE TABLE IF NOT EXISTS table_sync_checks (
                    table_id VARCHAR PRIMARY KEY,
                    last_run_id VARCHAR,
                    last_outcome VARCHAR,
                    last_reason TEXT,
                    last_attempt_at TIMESTAMP,
                    last_success_at TIMESTAMP
                )
                """,
            ]),
        Migration(
            version: 28, name: "the partition column of partitioned tables",
            statements: ["ALTER TABLE table_registry ADD COLUMN IF NOT EXISTS partition_by VARCHAR"]),
        Migration(
            version: 29, name: "catalog export: table metadata and column tags",
            statements: [
                // What a catalog says about a table, kept apart from the registration (whose description
                // is the admin's). `source` says who wrote the row, as in column_metadata.
                """
                CREATE TABLE IF NOT EXISTS table_metadata (
                    table_id VARCHAR PRIMARY KEY,
                    fqn VARCHAR,
                    description TEXT,
                    tags VARCHAR[],
                    owners VARCHAR[],
                    tier VARCHAR,
                    source VARCHAR NOT NULL DEFAULT 'manual',
                    updated_at TIMESTAMP DEFAULT current_timestamp
                )
                """,
                "ALTER TABLE column_metadata ADD COLUMN IF NOT EXISTS tags VARCHAR[]",
            ]),
    ]

    /// The schema version this binary writes.
    static var latest: Int { all.last!.version }
}
