import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Testing

@Suite struct MigrationTests {
    static let tables = [
        "schema_version", "users", "sync_state", "view_ownership", "sync_history", "user_sync_settings",
        "knowledge_items",
        "knowledge_contradictions", "knowledge_item_relations", "session_extraction_state", "verification_evidence",
        "knowledge_votes", "audit_log", "telegram_links", "pending_codes", "script_registry", "table_registry",
        "table_profiles", "metric_definitions", "column_metadata", "personal_access_tokens", "marketplace_registry",
        "marketplace_plugins", "user_groups", "user_group_members", "resource_grants", "welcome_template",
        "setup_banner",
        "claude_md_template", "scheduler_jobs", "revoked_sessions", "sync_runs", "table_sync_checks",
        "table_metadata",
    ]

    @Test func freshStoreHasEveryTableAndTheLatestVersion() async throws {
        let directory = try TemporaryDataDirectory()
        let store = try await directory.open()
        #expect(store.openedAtVersion == 0)
        let tables = try await store.read { connection in
            try connection.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").rows
                .compactMap { $0[0].string }
        }
        #expect(Set(tables) == Set(Self.tables))
        let health = await store.health()
        #expect(health.status == "ok")
        #expect(health.current == SystemStore.schemaVersion)
        let versions = try await store.read {
            try $0.query("SELECT version FROM schema_version ORDER BY version").rows.compactMap { $0[0].int }
        }
        #expect(versions == [24, 25, 26, 27, 28, 29])
    }

    @Test func reopeningIsIdempotentAndReseedsSystemGroups() async throws {
        let directory = try TemporaryDataDirectory()
        do {
            let store = try await directory.open()
            try await store.write { try $0.run("DELETE FROM user_groups WHERE name = 'Everyone'") }
        }
        let store = try await directory.open()
        #expect(store.openedAtVersion == SystemStore.schemaVersion)
        let groups = try await DuckDBGroupRepository(store: store).list()
        #expect(groups.filter(\.isSystem).map(\.name).sorted() == ["Admin", "Everyone"])
        let versionRows = try await store.read { try $0.query("SELECT count(*) FROM schema_version").rows[0][0].int }
        #expect(versionRows == 6)
        #expect(!FileManager.default.fileExists(atPath: directory.storePath + ".pre-migrate-v29"))
    }

    /// The database of a dropped store is closed by the time the caller goes on, so reopening the file
    /// at once never meets a half-closed instance (which could delete the WAL under the new one).
    @Test func aStoreReopenedRightAfterAWriteOpensCleanly() async throws {
        let directory = try TemporaryDataDirectory()
        for round in 0..<12 {
            let store = try await directory.open()
            try await store.write {
                try $0.run(
                    "INSERT INTO user_groups (id, name) VALUES (?, ?)",
                    [.varchar("g\(round)"), .varchar("group \(round)")])
            }
        }
        let store = try await directory.open()
        let count = try await store.read {
            try $0.query("SELECT count(*) FROM user_groups WHERE name LIKE 'group %'").rows[0][0].int
        }
        #expect(count == 12)
    }

    @Test func newerSchemaIsRefused() async throws {
        let directory = try TemporaryDataDirectory()
        do {
            let store = try await directory.open()
            try await store.write { try $0.run("INSERT INTO schema_version (version) VALUES (99)") }
        }
        let error = await #expect(throws: StoreError.self) { try await directory.open() }
        #expect(error?.code == .schemaTooNew)
        #expect(error?.message.contains("schema version 99") == true)
        #expect(error?.message.contains("newer than the \(SystemStore.schemaVersion)") == true)
    }

    @Test func olderThanTheBaselineIsRefused() async throws {
        let directory = try TemporaryDataDirectory()
        try FileManager.default.createDirectory(atPath: directory.statePath, withIntermediateDirectories: true)
        do {
            let connection = try Database(path: directory.storePath).connect()
            try connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP)")
            try connection.execute("INSERT INTO schema_version VALUES (12, now())")
        }
        let error = await #expect(throws: StoreError.self) { try await directory.open() }
        #expect(error?.code == .schemaTooOld)
        #expect(error?.message.contains("version 12") == true)
    }

    @Test func foreignDuckDBFileIsRefused() async throws {
        let directory = try TemporaryDataDirectory()
        try FileManager.default.createDirectory(atPath: directory.statePath, withIntermediateDirectories: true)
        do {
            let connection = try Database(path: directory.storePath).connect()
            try connection.execute("CREATE TABLE something_else (x INTEGER)")
        }
        let error = await #expect(throws: StoreError.self) { try await directory.open() }
        #expect(error?.code == .notAStore)
    }

    @Test func corruptFileIsReportedWithWhatToDo() async throws {
        let directory = try TemporaryDataDirectory()
        try FileManager.default.createDirectory(atPath: directory.statePath, withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 16_384).write(to: URL(fileURLWithPath: directory.storePath))
        let error = await #expect(throws: StoreError.self) { try await directory.open() }
        #expect(error?.code == .unreadable)
        #expect(error?.message.contains(directory.storePath) == true)
        #expect(error?.message.contains("move the file away") == true)
        // Nothing was overwritten.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.storePath))
        #expect(bytes == Data(repeating: 0x5A, count: 16_384))
    }

    @Test func upgradingAnOriginalV24FileBacksItUpFirst() async throws {
        let directory = try TemporaryDataDirectory()
        try FileManager.default.createDirectory(atPath: directory.statePath, withIntermediateDirectories: true)
        do {
            // A file as the original wrote it: the v24 tables, one user, version 24.
            let store = try await directory.open()
            try await store.write { connection in
                try connection.execute("DROP TABLE scheduler_jobs")
                try connection.execute("DROP TABLE revoked_sessions")
                try connection.execute("DROP TABLE sync_runs")
                try connection.execute("DROP TABLE table_sync_checks")
                try connection.execute("ALTER TABLE sync_history DROP COLUMN run_id")
                try connection.execute("ALTER TABLE sync_history DROP COLUMN source")
                try connection.execute("ALTER TABLE users DROP COLUMN session_epoch")
                try connection.execute("DELETE FROM schema_version WHERE version > 24")
                try connection.run("INSERT INTO users (id, email) VALUES ('u1', 'ana@example.com')")
                // The original's tables carry foreign keys.
                try connection.execute("DROP TABLE user_group_members")
                try connection.execute(
                    """
                    CREATE TABLE user_group_members (user_id VARCHAR NOT NULL,
                        group_id VARCHAR NOT NULL REFERENCES user_groups(id), source VARCHAR NOT NULL,
                        added_at TIMESTAMP DEFAULT current_timestamp, added_by VARCHAR, PRIMARY KEY (user_id, group_id))
                    """)
                try connection.execute(
                    "INSERT INTO user_group_members (user_id, group_id, source) SELECT 'u1', id, 'admin' FROM user_groups WHERE name = 'Admin'"
                )
            }
        }
        let store = try await directory.open()
        #expect(store.openedAtVersion == 24)
        #expect(await store.health().status == "ok")
        let backup = directory.storePath + ".pre-migrate-v24"
        #expect(FileManager.default.fileExists(atPath: backup))
        let backupVersion = try Migrated.version(of: backup)
        #expect(backupVersion == 24)
        let user = try await DuckDBUserRepository(store: store).find(id: "u1")
        #expect(user?.email == "ana@example.com")
        #expect(user?.sessionEpoch == 0)
        let groups = DuckDBGroupRepository(store: store)
        #expect(try await groups.isAdmin(userID: "u1"))
        // Without the foreign keys, a group with members can be renamed.
        let team = try await groups.create(name: "Team", description: nil, createdBy: nil)
        try await groups.addMember(userID: "u1", groupID: team.id, source: .admin, addedBy: nil)
        #expect(try await groups.update(id: team.id, name: "Team 2", description: nil)?.name == "Team 2")
    }

    @Test func baselineSelfHealsAMissingTable() async throws {
        let directory = try TemporaryDataDirectory()
        do {
            let store = try await directory.open()
            try await store.write { try $0.execute("DROP TABLE knowledge_votes") }
        }
        let store = try await directory.open()
        let count = try await store.read { try $0.query("SELECT count(*) FROM knowledge_votes").rows[0][0].int }
        #expect(count == 0)
    }
}

enum Migrated {
    static func version(of path: String) throws -> Int? {
        let connection = try Database(path: path, options: ["access_mode": "READ_ONLY"]).connect()
        return try connection.query("SELECT max(version) FROM schema_version").rows[0][0].int
    }
}
