/// One request the fake received on `/v1/messages` or `/v1/chat/completions`.
public struct FakeLLMRequest: Sendable, Hashable {
    /// `messages` (Anthropic Messages API) or `chat` (OpenAI chat completions).
    public var api: String
    /// The `model` of the body, when it had one.
    public var model: String?
    /// `max_tokens` (chat completions: `max_completion_tokens` or `max_tokens`), when given.
    public var maxTokens: Int?
    /// The system prompt: the `system` field (its text blocks joined by newlines); for chat completions
    /// the `system` and `developer` messages.
    public var system: String
    /// The text of the `user` messages, joined by newlines.
    public var user: String
    /// The raw request body.
    public var body: String
    /// Whether the request asked for JSON output: `output_config.format` (or the beta's
    /// `output_format`) of type `json_schema`; for chat completions a `response_format` of type
    /// `json_schema` or `json_object`.
    public var hasStructuredOutput: Bool
    /// The JSON schema asked for, re-serialised with sorted keys; nil when none.
    public var schema: String?
    /// `temperature`, when given.
    public var temperature: Double?
    /// The headers that matter to the protocol (lower-cased names): `x-api-key`, `authorization`,
    /// `anthropic-version`, `anthropic-beta`, `content-type`, when present.
    public var headers: [String: String]
    /// The id the fake answered with (`request-id` / `x-request-id` header, `request_id` of an error).
    public var requestID: String
}
