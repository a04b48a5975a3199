import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Testing

@Suite struct AuditLogRepositoryTests {
    private func seeded() async throws -> (SystemStore, DuckDBAuditLogRepository) {
        let store = try await SystemStore.inMemory()
        let audit = DuckDBAuditLogRepository(store: store)
        let rows: [(String, String?, TimeInterval)] = [
            ("token.create", "u1", 0), ("token.revoke", "u1", 10), ("corporate_memory.approve", "admin@x.io", 20),
            ("km_approve", "admin@x.io", 30), ("login", "u2", 40),
        ]
        for (action, user, offset) in rows {
            try await audit.append(
                action: action, userID: user, resource: nil, params: nil, result: "ok", durationMS: nil,
                at: FixedInstant.plus(offset))
        }
        return (store, audit)
    }

    @Test func appendStoresEveryFieldWithAFreshID() async throws {
        let audit = DuckDBAuditLogRepository(store: try await SystemStore.inMemory())
        let first = try await audit.append(
            action: "token.create", userID: "u1", resource: "token:t1", params: ["name": "laptop", "scope": "general"],
            result: "ok", durationMS: 12, at: FixedInstant.base)
        let second = try await audit.append(
            action: "token.create", userID: nil, resource: nil, params: nil, result: nil, durationMS: nil,
            at: FixedInstant.base)
        #expect(first.id != second.id)
        let stored = try await audit.entries(matching: AuditLogFilter())
        #expect(Set(stored) == [first, second])
        #expect(stored.first { $0.id == first.id }?.params == ["name": "laptop", "scope": "general"])
    }

    @Test func entriesAreNewestFirstWithLimitAndOffset() async throws {
        let (_, audit) = try await seeded()
        let all = try await audit.entries(matching: AuditLogFilter())
        #expect(
            all.map(\.action) == ["login", "km_approve", "corporate_memory.approve", "token.revoke", "token.create"])
        let page = try await audit.entries(matching: AuditLogFilter(limit: 2, offset: 1))
        #expect(page.map(\.action) == ["km_approve", "corporate_memory.approve"])
        #expect(try await audit.count(matching: AuditLogFilter(limit: 1)) == 5)
    }

    @Test func filtersByUserPrefixesAndTime() async throws {
        let (_, audit) = try await seeded()
        #expect(
            try await audit.entries(matching: AuditLogFilter(userID: "u1")).map(\.action) == [
                "token.revoke", "token.create",
            ])
        let governance = AuditLogFilter(actionPrefixes: ["corporate_memory.", "km_"])
        #expect(
            try await audit.entries(matching: governance).map(\.action) == ["km_approve", "corporate_memory.approve"])
        #expect(try await audit.count(matching: governance) == 2)
        #expect(try await audit.count(matching: AuditLogFilter(since: FixedInstant.plus(30))) == 2)
        #expect(try await audit.count(matching: AuditLogFilter(userID: "u1", actionPrefixes: ["token.r"])) == 1)
    }

    @Test func prefixWildcardsMatchLiterally() async throws {
        let (_, audit) = try await seeded()
        #expect(try await audit.count(matching: AuditLogFilter(actionPrefixes: ["%"])) == 0)
        #expect(try await audit.count(matching: AuditLogFilter(actionPrefixes: ["km%"])) == 0)
    }

    @Test func legacyNonStringParamsReadAsJSONText() async throws {
        let store = try await SystemStore.inMemory()
        _ = try await store.write { connection in
            try connection.run(
                "INSERT INTO audit_log (id, action, params) VALUES ('legacy', 'sync', ?)",
                [.varchar(#"{"rows": 42, "ok": true, "tables": ["a"], "name": "x"}"#)])
        }
        let entry = try #require(
            try await DuckDBAuditLogRepository(store: store).entries(matching: AuditLogFilter()).first)
        #expect(entry.params == ["rows": "42", "ok": "true", "tables": #"["a"]"#, "name": "x"])
    }
}
