/// A failure ``FakeLLM`` answers the next requests with, on either API
/// (``FakeLLM/inject(_:times:)``).
public enum FakeLLMFailure: Sendable, Hashable {
    /// This status with the API's error envelope, `type` as its error type (`rate_limit_error`,
    /// `overloaded_error`, `api_error`, …), and `retry-after: <seconds>` when `retryAfter` is set.
    case status(Int, type: String, retryAfter: Int? = nil)
    /// 200 with `content-type: application/json` and a body that is not JSON (a proxy's HTML page).
    case malformedBody
    /// The normal answer, but the connection closes after half of the body its `content-length` announced.
    case truncatedBody
    /// 200 with `stop_reason: "refusal"` and a short non-JSON text (chat completions: `content: null`
    /// and a `refusal` message).
    case refusal
    /// 200 with `stop_reason: "max_tokens"` (chat completions: `finish_reason: "length"`) and the
    /// canned reply cut in the middle.
    case maxTokens
    /// The normal answer after this delay, for client timeouts.
    case slow(milliseconds: Int)
}
