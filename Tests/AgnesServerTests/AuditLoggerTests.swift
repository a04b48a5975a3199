import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import Logging
import Synchronization
import Testing

@Suite struct AuditLoggerTests {
    final class FailingRepository: AuditLogRepository {
        struct Failure: Error {}
        let attempts = Mutex(0)

        func append(
            action: String, userID: String?, resource: String?, params: [String: String]?, result: String?,
            durationMS: Int?, at time: Date
        ) async throws -> AuditEntry {
            attempts.withLock { $0 += 1 }
            throw Failure()
        }
        func entries(matching filter: AuditLogFilter) async throws -> [AuditEntry] { throw Failure() }
        func count(matching filter: AuditLogFilter) async throws -> Int { throw Failure() }
    }

    @Test func aRowIsWrittenWithTheInjectedTimeAndSecretsRedacted() async throws {
        let repository = DuckDBAuditLogRepository(store: try await SystemStore.inMemory())
        let clock = ManualClock(Date(timeIntervalSince1970: 1_750_000_000))
        let audit = AuditLogger(repository: repository, clock: clock, logger: Logger(label: "test"))
        await audit.record(
            "login_failed", userID: "u1", resource: "user:u1",
            params: ["email": "a@example.com", "password": "hunter22", "ip": "203.0.113.7"],
            result: "invalid_password")
        let entry = try #require(try await repository.entries(matching: AuditLogFilter()).first)
        #expect(entry.action == "login_failed")
        #expect(entry.userID == "u1")
        #expect(entry.resource == "user:u1")
        #expect(entry.result == "invalid_password")
        #expect(entry.timestamp == clock.now)
        #expect(entry.params == ["email": "a@example.com", "password": "***", "ip": "203.0.113.7"])
    }

    @Test func emptyParamsAreStoredAsNull() async throws {
        let repository = DuckDBAuditLogRepository(store: try await SystemStore.inMemory())
        let audit = AuditLogger(repository: repository, logger: Logger(label: "test"))
        await audit.record("token.revoke", userID: "u1", resource: "token:t1", params: [:], result: "ok")
        let entry = try #require(try await repository.entries(matching: AuditLogFilter()).first)
        #expect(entry.params == nil)
    }

    @Test func aFailingRepositoryDoesNotThrow() async {
        let repository = FailingRepository()
        let audit = AuditLogger(repository: repository, logger: Logger(label: "test"))
        // `record` is not `throws`, so the call compiling without `try` is half the assertion.
        await audit.record("token_created", userID: nil, resource: nil, params: ["token": "x"], result: nil)
        #expect(repository.attempts.withLock { $0 } == 1)
    }

    @Test(arguments: [
        ("password", true), ("new_password", true), ("PASSWORD_CONFIRM", true), ("access_token", true),
        ("client_secret", true), ("api_key", true), ("Authorization", true), ("set-cookie", true),
        ("email", false), ("ip", false), ("previous_ip", false), ("name", false),
    ])
    func secretLookingKeysAreRedacted(key: String, isSecret: Bool) {
        let redacted = AuditLogger.redacted([key: "value", "other": "kept"])
        #expect(redacted[key] == (isSecret ? "***" : "value"))
        #expect(redacted["other"] == "kept")
    }
}
