import AgnesCore
import AgnesServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Per-user scan quotas: concurrency slots, daily bytes in UTC days, and the 429 shapes.
@Suite struct ScanQuotaTests {
    /// 2023-11-14 22:13:20 UTC: 6,400 s before midnight.
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func slotsAreCountedPerUserAndGivenBack() throws {
        let quota = ScanQuota(limits: ScanLimits(maxConcurrentPerUser: 2), clock: ManualClock(Self.start))
        let first = try quota.begin(userID: "ana")
        _ = try quota.begin(userID: "ana")
        _ = try quota.begin(userID: "bob")
        let refused = #expect(throws: ScanQuota.Exceeded.self) { try quota.begin(userID: "ana") }
        #expect(refused == ScanQuota.Exceeded(kind: "concurrent_scans", current: 2, limit: 2, retryAfterSeconds: 5))
        quota.end(first)
        quota.end(first)
        #expect(quota.usage(userID: "ana").running == 1)
        _ = try quota.begin(userID: "ana")
    }

    @Test func dailyBytesResetAtUTCMidnight() throws {
        let clock = ManualClock(Self.start)
        let quota = ScanQuota(limits: ScanLimits(maxDailyBytesPerUser: 1000), clock: clock)
        quota.charge(userID: "ana", bytes: 999)
        quota.end(try quota.begin(userID: "ana"))
        quota.charge(userID: "ana", bytes: 1)
        let refused = #expect(throws: ScanQuota.Exceeded.self) { try quota.begin(userID: "ana") }
        #expect(refused == ScanQuota.Exceeded(kind: "daily_bytes", current: 1000, limit: 1000, retryAfterSeconds: 6400))
        #expect(throws: Never.self) { try quota.begin(userID: "bob") }
        clock.advance(by: 6400)
        #expect(quota.usage(userID: "ana").bytesToday == 0)
        #expect(throws: Never.self) { try quota.begin(userID: "ana") }
    }

    @Test func theRouteAnswers429WithRetryAfterAndLocalQueriesAreNotCharged() async throws {
        let fixture = try await ServerFixture.withTables(
            scan: ScanLimits(maxConcurrentPerUser: 1, maxDailyBytesPerUser: 100))
        let token = try await fixture.analyst("ana@example.com", tables: ["orders"])
        let userID = try await fixture.userID("ana@example.com")
        let quota = fixture.services.scanQuota
        try await fixture.application.test(.router) { client in
            let slot = try quota.begin(userID: userID)
            let busy = try await client.post("/api/v2/scan", as: token, body: ["table_id": "orders"])
            #expect(busy.status == .tooManyRequests)
            #expect(busy.headers[.retryAfter] == "5")
            let detail = busy.detailObject
            #expect(detail["error"] as? String == "quota_exceeded" && detail["kind"] as? String == "concurrent_scans")
            #expect(detail["current"] as? Int == 1 && detail["limit"] as? Int == 1)
            #expect(detail["retry_after_seconds"] as? Int == 5)
            // Local SQL is not charged to the scan quota (only BigQuery-touching queries are, in the original).
            let query = try await client.post("/api/query", as: token, body: ["sql": "SELECT 1"])
            #expect(query.status == .ok)
            quota.end(slot)
            let first = try await client.post("/api/v2/scan", as: token, body: ["table_id": "orders"])
            #expect(first.status == .ok)
            let spent = try await client.post("/api/v2/scan", as: token, body: ["table_id": "orders"])
            #expect(spent.status == .tooManyRequests)
            #expect(spent.detailObject["kind"] as? String == "daily_bytes")
            #expect(spent.detailObject["current"] as? Int == first.bytes.count)
            #expect(spent.detailObject["limit"] as? Int == 100)
            let retry = try #require(spent.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...86_400).contains(retry))
            #expect(spent.detailObject["retry_after_seconds"] as? Int == retry)
        }
    }
}
