import AgnesAuth
import AgnesCore
import AgnesServer
import AgnesStore
import AgnesTestSupport
import DuckDB
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// An account migrated from the original signs in with its password, over HTTP, and from then on carries
/// a bcrypt hash of ours.
@Suite struct MigratedPasswordSignInTests {
    /// Writes `DATA_DIR/state/system.duckdb` as the original left it at schema v24: its tables (with the
    /// foreign key it declared), the Admin group, and users whose passwords argon2-cffi hashed.
    static func writeOriginalStore(in root: URL, users: [(id: String, email: String, hash: String?)]) throws {
        let state = root.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let database = try Database(path: state.appendingPathComponent("system.duckdb").path)
        let connection = try database.connect()
        for statement in [
            "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP DEFAULT current_timestamp)",
            """
            CREATE TABLE users (id VARCHAR PRIMARY KEY, email VARCHAR UNIQUE NOT NULL, name VARCHAR,
                password_hash VARCHAR, setup_token VARCHAR, setup_token_created TIMESTAMP, reset_token VARCHAR,
                reset_token_created TIMESTAMP, active BOOLEAN NOT NULL DEFAULT TRUE, deactivated_at TIMESTAMP,
                deactivated_by VARCHAR, created_at TIMESTAMP DEFAULT current_timestamp, updated_at TIMESTAMP)
            """,
            """
            CREATE TABLE user_groups (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, description TEXT,
                is_system BOOLEAN DEFAULT FALSE, created_at TIMESTAMP DEFAULT current_timestamp, created_by VARCHAR)
            """,
            """
            CREATE TABLE user_group_members (user_id VARCHAR NOT NULL,
                group_id VARCHAR NOT NULL REFERENCES user_groups(id), source VARCHAR NOT NULL,
                added_at TIMESTAMP DEFAULT current_timestamp, added_by VARCHAR, PRIMARY KEY (user_id, group_id))
            """,
            "INSERT INTO schema_version (version) VALUES (24)",
            "INSERT INTO user_groups (id, name, is_system) VALUES ('g-admin', 'Admin', TRUE), ('g-all', 'Everyone', TRUE)",
        ] {
            try connection.execute(statement)
        }
        for user in users {
            try connection.run(
                "INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, 'Migrated', ?)",
                [.varchar(user.id), .varchar(user.email), .optional(user.hash)])
            try connection.run(
                "INSERT INTO user_group_members (user_id, group_id, source) VALUES (?, 'g-admin', 'admin')",
                [.varchar(user.id)])
        }
    }

    static func signIn(_ client: some TestClientProtocol, _ email: String, _ password: String) async throws -> (
        status: Int, body: [String: Any]
    ) {
        try await client.execute(
            uri: "/auth/token", method: .post, headers: JSONRequest.json,
            body: JSONRequest.body(["email": email, "password": password])
        ) { response in (Int(response.status.code), (try? ServerFixture.json(response.body)) ?? [:]) }
    }

    @Test func aMigratedArgon2AccountSignsInAndIsRehashedToBcrypt() async throws {
        let password = "migrated-pässword"
        let hashes = try OriginalPasswordHasher.hash([password, "other-password"])
        let fixture = try await ServerFixture(prepare: { root in
            try Self.writeOriginalStore(
                in: root,
                users: [("u-ana", "ana@example.com", hashes[0]), ("u-bo", "bo@example.com", hashes[1])])
        })
        #expect(fixture.services.store.openedAtVersion == 24)
        let users = DuckDBUserRepository(store: fixture.services.store)
        try await fixture.application.test(.live) { client in
            // A wrong password is refused and leaves the original's hash as it was.
            let wrong = try await Self.signIn(client, "ana@example.com", "not-the-password")
            #expect(wrong.status == 401)
            #expect(wrong.body["detail"] as? String == "Invalid email or password")
            #expect(try await users.find(id: "u-ana")?.passwordHash == hashes[0])

            let first = try await Self.signIn(client, "ana@example.com", password)
            #expect(first.status == 200)
            #expect(first.body["user_id"] as? String == "u-ana")
            #expect(first.body["role"] as? String == "admin")
            let token = try #require(first.body["access_token"] as? String)
            let stored = try #require(try await users.find(id: "u-ana")?.passwordHash)
            #expect(PasswordHasher.isCurrent(stored))
            #expect(stored != hashes[0])

            // The session works, and survives the rehash (the password did not change).
            try await client.execute(uri: "/auth/me", method: .get, headers: JSONRequest.bearer(token)) { response in
                #expect(response.status == .ok)
            }
            // The same password signs in against the bcrypt hash; the other account is untouched.
            #expect(try await Self.signIn(client, "ana@example.com", password).status == 200)
            #expect(try await Self.signIn(client, "ana@example.com", "not-the-password").status == 401)
            #expect(try await users.find(id: "u-bo")?.passwordHash == hashes[1])
            #expect(try await Self.signIn(client, "bo@example.com", "other-password").status == 200)
        }
        let audit = try await fixture.services.store.read { connection in
            try connection.query("SELECT count(*) FROM audit_log WHERE action = 'user.password_rehashed'").rows[0][0]
                .int
        }
        #expect(audit == 2)
    }

    @Test func aRehashDoesNotUndoAPasswordChangedMeanwhile() async throws {
        let hashes = try OriginalPasswordHasher.hash(["old-password"])
        let fixture = try await ServerFixture(prepare: { root in
            try Self.writeOriginalStore(in: root, users: [("u-ana", "ana@example.com", hashes[0])])
        })
        let users = DuckDBUserRepository(store: fixture.services.store)
        let changed = try await fixture.services.auth.hasher.hash("new-password")
        try await users.setPasswordHash(id: "u-ana", hash: changed)
        #expect(try await !users.upgradePasswordHash(id: "u-ana", from: hashes[0], to: "$2b$04$something-else"))
        #expect(try await users.find(id: "u-ana")?.passwordHash == changed)
    }
}
