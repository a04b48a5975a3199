/// An error answer of either API, rendered by ``MessagesAPI`` or ``ChatCompletionsAPI`` in its envelope.
struct LLMError: Error {
    var status: Int
    /// The error type: Anthropic's `invalid_request_error`…, OpenAI's `invalid_request_error`….
    var type: String
    var message: String
    /// OpenAI's `param` and `code` (Anthropic's envelope has neither).
    var param: String? = nil
    var code: String? = nil
    var retryAfter: Int? = nil

    /// A 400 `invalid_request_error`.
    static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> LLMError {
        LLMError(status: 400, type: "invalid_request_error", message: message, param: param, code: code)
    }

    /// An injected ``FakeLLMFailure/status(_:type:retryAfter:)``.
    static func injected(status: Int, type: String, retryAfter: Int?) -> LLMError {
        let message =
            switch status {
            case 429: "Number of request tokens has exceeded your per-minute rate limit"
            case 529: "Overloaded"
            case 500: "Internal server error"
            case 401: "invalid x-api-key"
            case 403: "Your API key does not have permission to use the specified resource."
            case 404: "Not Found"
            case 413: "Request exceeds the maximum allowed number of bytes."
            default: "Error \(status)"
            }
        return LLMError(
            status: status, type: type, message: message, code: status == 429 ? "rate_limit_exceeded" : nil,
            retryAfter: retryAfter)
    }
}
