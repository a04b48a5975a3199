import AgnesConnectors
import AgnesCore
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// An OpenAI-compatible chat-completions server (`POST <base>/chat/completions`, `Authorization:
/// Bearer`; `base_url` includes `/v1` where the server wants it). Structured output by mode
/// (REFERENCE §5.4): `strict` asks for the JSON schema (`response_format.json_schema`); `json` for JSON
/// mode (`json_object`); `auto` tries the schema, falls back to JSON mode when the server refuses it
/// (400), then to JSON found in plain text. Every answer is validated against the schema.
public struct OpenAICompatibleClient: LLMClient {
    public let model: String
    let baseURL: String
    let apiKey: String
    let mode: LLMSettings.StructuredOutput
    let transport: LLMTransport

    /// Creates a client.
    public init(
        baseURL: String, apiKey: String, model: String, mode: LLMSettings.StructuredOutput = .auto,
        retry: RetryPolicy? = nil, timeout: TimeAmount = .seconds(120), http: HTTPClient? = nil,
        logger: Logger = Logger(label: "agnes.llm")
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        self.mode = mode
        self.transport = LLMTransport(
            http: http ?? LLMTransport.defaultHTTPClient,
            retry: retry ?? RetryPolicy(maxAttempts: 3, baseDelay: .seconds(2), maxDelay: .seconds(30)),
            timeout: timeout, service: "The LLM server", logger: logger)
    }

    enum Strategy: CaseIterable { case schema, jsonObject, plainText }

    public func extractJSON(_ request: LLMRequest) async throws -> LLMAnswer {
        let strategies: [Strategy] =
            switch mode {
            case .strict: [.schema]
            case .json: [.jsonObject]
            case .auto: [.schema, .jsonObject, .plainText]
            }
        var lastError: LLMError?
        for strategy in strategies {
            do { return try await attempt(request, strategy) } catch let error as LLMError
                where error.kind == .upstream && error.message.contains("(400)") && strategy != strategies.last
            {
                lastError = error  // the server does not support this way of asking: try the next
            }
        }
        throw lastError ?? LLMError(.upstream, "no strategy left")
    }

    func attempt(_ request: LLMRequest, _ strategy: Strategy) async throws -> LLMAnswer {
        var system = request.system
        var body: [String: Any] = ["model": model, "max_tokens": request.maxTokens]
        switch strategy {
        case .schema:
            body["response_format"] = [
                "type": "json_schema",
                "json_schema": ["name": request.schemaName, "schema": request.schema.jsonSchema, "strict": true],
            ]
        case .jsonObject:
            body["response_format"] = ["type": "json_object"]
            system += "\n\nAnswer with one JSON object only."
        case .plainText:
            system += "\n\nAnswer with one JSON object only, with no text before or after it."
        }
        body["messages"] = [["role": "system", "content": system], ["role": "user", "content": request.prompt]]
        let (status, data) = try await transport.post(
            baseURL + "/chat/completions", headers: [("Authorization", "Bearer \(apiKey)")],
            body: try JSONSerialization.data(withJSONObject: body), what: "chat \(request.schemaName)")
        guard (200..<300).contains(status) else {
            throw LLMTransport.refusal(status: status, body: data, service: "The LLM server")
        }
        guard let completion = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let choice = (completion["choices"] as? [[String: Any]])?.first,
            let message = choice["message"] as? [String: Any]
        else { throw LLMError(.format, "the LLM server's answer is not a chat completion") }
        let usageObject = completion["usage"] as? [String: Any]
        let usage = LLMUsage(
            calls: 1, inputTokens: (usageObject?["prompt_tokens"] as? Int) ?? 0,
            outputTokens: (usageObject?["completion_tokens"] as? Int) ?? 0)
        if let refusal = message["refusal"] as? String, !refusal.isEmpty {
            throw LLMError(.refusal, "the model declined: \(refusal.prefix(200))", usage: usage)
        }
        if choice["finish_reason"] as? String == "length" {
            throw LLMError(
                .format, "the answer was cut off at max_tokens (\(request.maxTokens)); the JSON is incomplete",
                usage: usage)
        }
        var text = message["content"] as? String ?? ""
        if strategy == .plainText, let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}") {
            text = String(text[start...end])
        }
        do {
            return LLMAnswer(
                json: try LLMTransport.validated(text, schema: request.schema, service: "The LLM server"), usage: usage)
        } catch var error as LLMError {
            error.usage = usage
            throw error
        }
    }
}
