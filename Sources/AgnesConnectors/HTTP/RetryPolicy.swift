import Foundation

/// How calls to an outside service are retried: transient failures (429, 5xx other than 501, a broken
/// connection, a body cut short) get another attempt after an exponentially growing delay, or after
/// the server's `Retry-After` when it names one; everything else fails at once.
///
/// ```swift
/// let policy = RetryPolicy(maxAttempts: 6)
/// let body = try await policy.run("GET /v2/storage/tables") { attempt in try await fetch() }
/// ```
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// Delay before the second attempt; each further one doubles it.
    public var baseDelay: Duration
    /// Longest delay between attempts that the policy chooses itself.
    public var maxDelay: Duration
    /// Longest `Retry-After` honoured; a server asking for more fails the call instead of stalling it.
    public var maxRetryAfter: Duration
    /// Waits between attempts (tests record the delays instead of sleeping).
    public var sleep: @Sendable (Duration) async throws -> Void

    /// Creates a policy.
    public init(
        maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(600),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.sleep = sleep
    }

    /// The delay before attempt `attempt + 1` after a failure that asked for `retryAfter` (if any).
    func delay(after attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return retryAfter }
        var delay = baseDelay
        for _ in 1..<max(1, attempt) where delay < maxDelay { delay *= 2 }
        return min(delay, maxDelay)
    }

    /// Runs `operation` until it succeeds, fails with an error that is not ``TransientFailure``, or
    /// runs out of attempts (then the last transient failure is thrown).
    public func run<T: Sendable>(_ operation: @Sendable (_ attempt: Int) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await operation(attempt)
            } catch let failure as TransientFailure {
                guard attempt < maxAttempts else { throw failure }
                if let asked = failure.retryAfter, asked > maxRetryAfter { throw failure }
                try await sleep(delay(after: attempt, retryAfter: failure.retryAfter))
                attempt += 1
            }
        }
    }
}

/// A failure worth another attempt: what the caller throws inside ``RetryPolicy/run(_:)``.
public struct TransientFailure: Error, Sendable, CustomStringConvertible {
    /// The HTTP status, nil for a broken connection.
    public var status: Int?
    /// What the server asked for in `Retry-After`, if anything.
    public var retryAfter: Duration?
    /// What went wrong, for the error a caller finally sees.
    public var message: String

    /// Creates a failure.
    public init(status: Int? = nil, retryAfter: Duration? = nil, message: String) {
        self.status = status
        self.retryAfter = retryAfter
        self.message = message
    }

    public var description: String { message }

    /// Whether an HTTP status is worth another attempt: 408, 429 and 5xx other than 501.
    public static func isTransient(status: Int) -> Bool {
        status == 408 || status == 429 || (status >= 500 && status != 501)
    }

    /// A `Retry-After` value: delay seconds, or an HTTP date (RFC 9110 §10.2.3).
    public static func retryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return .seconds(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .seconds(max(0, Int(date.timeIntervalSince(now).rounded(.up))))
    }
}
