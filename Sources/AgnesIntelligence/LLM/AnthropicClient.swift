import AgnesConnectors
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// The Anthropic Messages API (`POST <base>/v1/messages`, `x-api-key`, `anthropic-version: 2023-06-01`)
/// with structured outputs (`output_config.format = {type: json_schema, schema}`): the instructions in
/// `system`, the material as the one user message, the answer's text block validated against the
/// schema. `stop_reason` `max_tokens` is a format error (the JSON is cut off), `refusal` a refusal.
public struct AnthropicClient: LLMClient {
    public let model: String
    let baseURL: String
    let apiKey: String
    let transport: LLMTransport

    /// Creates a client; `retry` defaults to REFERENCE §5.4's three attempts with 2 s × 2ⁿ backoff.
    public init(
        baseURL: String, apiKey: String, model: String, retry: RetryPolicy? = nil, timeout: TimeAmount = .seconds(120),
        http: HTTPClient? = nil, logger: Logger = Logger(label: "agnes.llm")
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        self.transport = LLMTransport(
            http: http ?? LLMTransport.defaultHTTPClient,
            retry: retry ?? RetryPolicy(maxAttempts: 3, baseDelay: .seconds(2), maxDelay: .seconds(30)),
            timeout: timeout, service: "Anthropic", logger: logger)
    }

    public func extractJSON(_ request: LLMRequest) async throws -> LLMAnswer {
        let body: [String: Any] = [
            "model": model, "max_tokens": request.maxTokens, "system": request.system,
            "messages": [["role": "user", "content": request.prompt]],
            "output_config": ["format": ["type": "json_schema", "schema": request.schema.jsonSchema]],
        ]
        let (status, data) = try await transport.post(
            baseURL + "/v1/messages",
            headers: [("x-api-key", apiKey), ("anthropic-version", "2023-06-01"), ("Accept", "application/json")],
            body: try JSONSerialization.data(withJSONObject: body), what: "messages \(request.schemaName)")
        guard (200..<300).contains(status) else {
            throw LLMTransport.refusal(status: status, body: data, service: "Anthropic")
        }
        guard let message = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw LLMError(
                .format,
                "Anthropic's answer is not a JSON message: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        let usageObject = message["usage"] as? [String: Any]
        let usage = LLMUsage(
            calls: 1, inputTokens: (usageObject?["input_tokens"] as? Int) ?? 0,
            outputTokens: (usageObject?["output_tokens"] as? Int) ?? 0)
        let text = ((message["content"] as? [[String: Any]]) ?? []).filter { $0["type"] as? String == "text" }
            .compactMap { $0["text"] as? String }.joined()
        switch message["stop_reason"] as? String {
        case "max_tokens":
            throw LLMError(
                .format, "the answer was cut off at max_tokens (\(request.maxTokens)); the JSON is incomplete",
                usage: usage)
        case "refusal":
            throw LLMError(.refusal, "the model declined: \(text.prefix(200))", usage: usage)
        default: break
        }
        do {
            return LLMAnswer(
                json: try LLMTransport.validated(text, schema: request.schema, service: "Anthropic"), usage: usage)
        } catch var error as LLMError {
            error.usage = usage
            throw error
        }
    }
}
