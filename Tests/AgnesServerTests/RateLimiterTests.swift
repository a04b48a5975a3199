import AgnesCore
import Foundation
import Testing

@testable import AgnesServer

@Suite struct RateLimiterTests {
    let clock = ManualClock()

    func makeLimiter(_ strategy: RateLimitStrategy = .fixedWindow, capacity: Int = 10_000) -> RateLimiter {
        RateLimiter(isEnabled: true, strategy: strategy, clock: clock, maxTrackedClients: capacity)
    }

    @Test(arguments: [RateLimitStrategy.fixedWindow, .slidingWindow])
    func theCallAfterTheLimitIsRefusedWithRetryAfter(strategy: RateLimitStrategy) {
        let limiter = makeLimiter(strategy)
        for index in 1...3 {
            #expect(
                limiter.acquire(route: "auth.bootstrap", limit: .perMinute(3), client: "1.2.3.4")
                    == .allowed(remaining: 3 - index))
            clock.advance(by: 5)
        }
        #expect(
            limiter.acquire(route: "auth.bootstrap", limit: .perMinute(3), client: "1.2.3.4")
                == .limited(retryAfter: 45))
    }

    @Test func clientsAndRoutesHaveTheirOwnBudgets() {
        let limiter = makeLimiter()
        #expect(limiter.acquire(route: "auth.token", limit: .perMinute(1), client: "1.2.3.4").isAllowed)
        #expect(!limiter.acquire(route: "auth.token", limit: .perMinute(1), client: "1.2.3.4").isAllowed)
        #expect(limiter.acquire(route: "auth.token", limit: .perMinute(1), client: "5.6.7.8").isAllowed)
        #expect(limiter.acquire(route: "auth.password.reset", limit: .perMinute(1), client: "1.2.3.4").isAllowed)
    }

    @Test func aFixedWindowResetsWhenItEnds() {
        let limiter = makeLimiter()
        #expect(limiter.acquire(route: "r", limit: .perMinute(2), client: "c").isAllowed)
        clock.advance(by: 30)
        #expect(limiter.acquire(route: "r", limit: .perMinute(2), client: "c").isAllowed)
        #expect(limiter.acquire(route: "r", limit: .perMinute(2), client: "c") == .limited(retryAfter: 30))
        clock.advance(by: 30)
        #expect(limiter.acquire(route: "r", limit: .perMinute(2), client: "c") == .allowed(remaining: 1))
    }

    @Test func aSlidingWindowFreesOneSlotAtATime() {
        let limiter = makeLimiter(.slidingWindow)
        #expect(limiter.acquire(route: "r", limit: .perMinute(2), client: "c").isAllowed)
        clock.advance(by: 30)
        #expect(limiter.acquire(route: "r", limit: .perMinute(2), client: "c").isAllowed)
        clock.advance(by: 30)
        // The first request left the window; the second has 30 s to go.
        #expect(limiter.acquire(route: "r", limit: .perMinute(2), client: "c") == .allowed(remaining: 0))
        #expect(limiter.acquire(route: "r", limit: .perMinute(2), client: "c") == .limited(retryAfter: 30))
    }

    @Test func aDisabledLimiterAllowsEverything() throws {
        let limiter = try RateLimiter(
            settings: AgnesSettings(dataDir: "/tmp", isAuthRateLimitEnabled: false), clock: clock)
        for _ in 0..<20 {
            #expect(limiter.acquire(route: "r", limit: .perMinute(1), client: "c").isAllowed)
        }
        #expect(limiter.trackedWindowCount == 0)
    }

    @Test func memoryIsBoundedByEvictingTheOldestClients() {
        let limiter = makeLimiter(capacity: 100)
        for index in 0..<1_000 {
            _ = limiter.acquire(route: "r", limit: .perMinute(1), client: "10.0.\(index / 256).\(index % 256)")
            clock.advance(by: 0.01)
        }
        #expect(limiter.trackedWindowCount <= 100)
        // The most recent client is still counted.
        #expect(!limiter.acquire(route: "r", limit: .perMinute(1), client: "10.0.3.231").isAllowed)
    }

    @Test func expiredWindowsAreSwept() {
        let limiter = makeLimiter()
        for index in 0..<50 { _ = limiter.acquire(route: "r", limit: .perMinute(1), client: "c\(index)") }
        clock.advance(by: 120)
        _ = limiter.acquire(route: "r", limit: .perMinute(1), client: "late")
        #expect(limiter.trackedWindowCount == 1)
    }

    @Test(arguments: [
        (RateLimit.perMinute(10), "10 per 1 minute"), (.perMinute(3), "3 per 1 minute"),
        (.perHour(100), "100 per 1 hour"), (.perSecond(2), "2 per 1 second"),
        (RateLimit(count: 5, seconds: 90), "5 per 90 second"),
    ])
    func limitsDescribeThemselvesLikeTheOriginal(limit: RateLimit, text: String) {
        #expect(limit.description == text)
    }
}
