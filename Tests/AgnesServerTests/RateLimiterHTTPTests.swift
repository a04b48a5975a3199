import AgnesCore
import AgnesServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct RateLimiterHTTPTests {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// A router whose `/auth/token` is limited to `limit`, replying with the client address it saw.
    static func application(_ limiter: RateLimiter, limit: RateLimit = .perMinute(2)) -> some ApplicationProtocol {
        let router = Router(context: AgnesRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.post("/auth/token") { request, context -> String in
            try limiter.check(route: "auth.token", limit: limit, request: request, context: context)
            return limiter.resolver.address(of: request, context: context) ?? "unknown"
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func theCallAfterTheLimitGetsA429WithRetryAfter() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(isEnabled: true, clock: clock)
        try await Self.application(limiter).test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/auth/token", method: .post) { #expect($0.status == .ok) }
            }
            clock.advance(by: 20)
            try await client.execute(uri: "/auth/token", method: .post) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "40")
                let body = try ServerFixture.json(response.body)
                #expect(body["detail"] as? String == "Too many requests — 2 per 1 minute")
            }
            clock.advance(by: 40)
            try await client.execute(uri: "/auth/token", method: .post) { #expect($0.status == .ok) }
        }
    }

    @Test func theMiddlewareLimitsAGroup() async throws {
        let limiter = RateLimiter(isEnabled: true, clock: ManualClock())
        let router = Router(context: AgnesRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.group("auth/password/reset")
            .add(middleware: RateLimitMiddleware(limiter: limiter, route: "auth.password.reset", limit: .perMinute(1)))
            .post { _, _ in "ok" }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/auth/password/reset", method: .post) { #expect($0.status == .ok) }
            try await client.execute(uri: "/auth/password/reset", method: .post) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "60")
            }
        }
    }

    @Test func aDisabledLimiterNeverAnswers429() async throws {
        let settings = AgnesSettings(dataDir: "/tmp", isAuthRateLimitEnabled: false)
        let limiter = try RateLimiter(settings: settings, clock: ManualClock())
        try await Self.application(limiter, limit: .perMinute(1)).test(.router) { client in
            for _ in 0..<5 {
                try await client.execute(uri: "/auth/token", method: .post) { #expect($0.status == .ok) }
            }
        }
    }

    @Test func aSpoofedForwardedForFromAnUntrustedPeerIsIgnored() async throws {
        let limiter = RateLimiter(isEnabled: true, clock: ManualClock())
        try await Self.application(limiter, limit: .perMinute(1)).test(.live) { client in
            try await client.execute(
                uri: "/auth/token", method: .post, headers: [Self.forwardedFor: "203.0.113.1"]
            ) { response in
                #expect(response.status == .ok)
                #expect(["127.0.0.1", "0:0:0:0:0:0:0:1"].contains(String(buffer: response.body)))
            }
            // A new spoofed address does not buy a new budget.
            try await client.execute(
                uri: "/auth/token", method: .post, headers: [Self.forwardedFor: "203.0.113.2"]
            ) { #expect($0.status == .tooManyRequests) }
        }
    }

    @Test func forwardedForFromATrustedProxyKeysTheLimit() async throws {
        let settings = AgnesSettings(dataDir: "/tmp", environment: ["AGNES_TRUSTED_PROXIES": "127.0.0.1,::1"])
        let limiter = try RateLimiter(settings: settings, clock: ManualClock())
        try await Self.application(limiter, limit: .perMinute(1)).test(.live) { client in
            try await client.execute(
                uri: "/auth/token", method: .post, headers: [Self.forwardedFor: "203.0.113.1"]
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "203.0.113.1")
            }
            try await client.execute(
                uri: "/auth/token", method: .post, headers: [Self.forwardedFor: "203.0.113.1"]
            ) { #expect($0.status == .tooManyRequests) }
            try await client.execute(
                uri: "/auth/token", method: .post, headers: [Self.forwardedFor: "203.0.113.2"]
            ) { #expect($0.status == .ok) }
        }
    }
}
