import Foundation
import Synchronization
import Testing

@testable import AgnesConnectors

@Suite struct RetryPolicyTests {
    /// Records the delays the policy asks for instead of sleeping.
    final class Sleeps: Sendable {
        let recorded = Mutex<[Duration]>([])
        var all: [Duration] { recorded.withLock { $0 } }
        func policy(attempts: Int = 4) -> RetryPolicy {
            RetryPolicy(maxAttempts: attempts, baseDelay: .seconds(1), maxDelay: .seconds(8)) { delay in
                self.recorded.withLock { $0.append(delay) }
            }
        }
    }

    @Test func honoursRetryAfterAndBacksOffOtherwise() async throws {
        let sleeps = Sleeps()
        let calls = Mutex(0)
        let value = try await sleeps.policy().run { attempt -> String in
            calls.withLock { $0 += 1 }
            switch attempt {
            case 1: throw TransientFailure(status: 429, retryAfter: .seconds(7), message: "slow down")
            case 2: throw TransientFailure(status: 502, message: "bad gateway")
            case 3: throw TransientFailure(message: "connection reset")
            default: return "ok"
            }
        }
        #expect(value == "ok")
        #expect(calls.withLock { $0 } == 4)
        #expect(sleeps.all == [.seconds(7), .seconds(2), .seconds(4)])
    }

    @Test func givesUpAfterTheLastAttemptWithTheLastFailure() async {
        let sleeps = Sleeps()
        await #expect(throws: TransientFailure.self) {
            try await sleeps.policy(attempts: 3).run { attempt -> Int in
                throw TransientFailure(status: 503, message: "attempt \(attempt)")
            }
        }
        #expect(sleeps.all.count == 2)
    }

    @Test func doesNotRetryOtherErrors() async {
        struct Final: Error {}
        let sleeps = Sleeps()
        await #expect(throws: Final.self) {
            try await sleeps.policy().run { _ -> Int in throw Final() }
        }
        #expect(sleeps.all.isEmpty)
    }

    @Test func refusesToWaitLongerThanItsLimit() async {
        let sleeps = Sleeps()
        var policy = sleeps.policy()
        policy.maxRetryAfter = .seconds(60)
        await #expect(throws: TransientFailure.self) {
            try await policy.run { _ -> Int in throw TransientFailure(status: 503, retryAfter: .seconds(3600), message: "maintenance") }
        }
        #expect(sleeps.all.isEmpty)
    }

    @Test(arguments: [
        (429, true), (500, true), (502, true), (503, true), (504, true), (408, true), (501, false), (400, false),
        (401, false), (404, false),
    ])
    func transientStatuses(status: Int, isTransient: Bool) {
        #expect(TransientFailure.isTransient(status: status) == isTransient)
    }

    @Test func readsRetryAfterSecondsAndDates() {
        #expect(TransientFailure.retryAfter("120") == .seconds(120))
        #expect(TransientFailure.retryAfter(" 0 ") == .seconds(0))
        #expect(TransientFailure.retryAfter(nil) == nil)
        #expect(TransientFailure.retryAfter("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(TransientFailure.retryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
    }
}
