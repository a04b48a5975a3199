import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Anthropic's `POST /v1/messages`: validation, answer and error envelopes.
struct MessagesAPI {
    static let versions: Set<String> = ["2023-06-01", "2023-01-01"]

    let store: FakeLLMStore

    func respond(_ call: LLMCall) -> Response {
        if let error = Self.validate(call) { return Self.render(error, requestID: call.requestID) }
        guard let answer = LLMAnswer.choose(for: call, store: store) else {
            return Self.render(LLMAnswer.noMatch, requestID: call.requestID)
        }
        let stopReason: String
        var stopSequence: Any = NSNull()
        switch answer.stop {
        case .endTurn: stopReason = "end_turn"
        case .maxTokens: stopReason = "max_tokens"
        case .refusal: stopReason = "refusal"
        case .other(let reason):
            stopReason = reason
            if reason == "stop_sequence" {
                stopSequence = call.prompt.stopSequences.first.map { $0 as Any } ?? NSNull()
            }
        }
        let message: [String: Any] = [
            "id": "msg_" + FakeLLMResponder.randomID(),
            "type": "message",
            "role": "assistant",
            "model": call.prompt.model ?? "",
            "content": [["type": "text", "text": answer.text]],
            "stop_reason": stopReason,
            "stop_sequence": stopSequence,
            "usage": [
                "input_tokens": answer.inputTokens, "output_tokens": answer.outputTokens,
                "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "service_tier": "standard",
            ],
        ]
        return Self.json(message, status: 200, requestID: call.requestID)
    }

    /// The first problem the real API reports for this request: key, version header, then body.
    static func validate(_ call: LLMCall) -> LLMError? {
        guard let key = call.headers["x-api-key"] else {
            return LLMError(status: 401, type: "authentication_error", message: "x-api-key header is required")
        }
        guard key == call.apiKey else {
            return LLMError(status: 401, type: "authentication_error", message: "invalid x-api-key")
        }
        guard let version = call.headers["anthropic-version"] else {
            return .invalid("anthropic-version: header is required")
        }
        guard versions.contains(version) else {
            return .invalid("anthropic-version: \"\(version)\" is not a valid version")
        }
        guard let json = call.json else { return .invalid("Request body is not a valid JSON object") }
        guard json["model"] is String else { return .invalid("model: Field required") }
        guard let maxTokens = json["max_tokens"] else { return .invalid("max_tokens: Field required") }
        guard let limit = LLMPrompt.integer(maxTokens) else {
            return .invalid("max_tokens: Input should be a valid integer")
        }
        guard limit >= 1 else { return .invalid("max_tokens: Input should be greater than or equal to 1") }
        guard let messages = json["messages"] else { return .invalid("messages: Field required") }
        guard let list = messages as? [Any] else { return .invalid("messages: Input should be a valid list") }
        guard !list.isEmpty else { return .invalid("messages: at least one message is required") }
        for (index, item) in list.enumerated() {
            if let error = validate(message: item, at: index) { return error }
        }
        if let system = json["system"], !(system is String), !isTextBlocks(system) {
            return .invalid("system: Input should be a valid list")
        }
        if let temperature = json["temperature"] {
            guard let value = (temperature as? NSNumber)?.doubleValue else {
                return .invalid("temperature: Input should be a valid number")
            }
            if value < 0 { return .invalid("temperature: Input should be greater than or equal to 0") }
            if value > 1 { return .invalid("temperature: Input should be less than or equal to 1") }
        }
        if let config = json["output_config"] as? [String: Any], let format = config["format"] {
            if let error = validate(format: format, at: "output_config.format") { return error }
        }
        if let format = json["output_format"] {
            if let error = validate(format: format, at: "output_format") { return error }
        }
        return nil
    }

    static func validate(message item: Any, at index: Int) -> LLMError? {
        guard let message = item as? [String: Any] else {
            return .invalid("messages.\(index): Input should be a valid dictionary")
        }
        guard let role = message["role"] as? String else { return .invalid("messages.\(index).role: Field required") }
        if role == "system" {
            return .invalid(
                "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, "
                    + "not \"system\" as an input message role.")
        }
        guard role == "user" || role == "assistant" else {
            return .invalid("messages.\(index).role: Input should be 'user' or 'assistant'")
        }
        guard let content = message["content"] else { return .invalid("messages.\(index).content: Field required") }
        guard content is String || content is [[String: Any]] else {
            return .invalid("messages.\(index).content: Input should be a valid list")
        }
        return nil
    }

    static func validate(format item: Any, at path: String) -> LLMError? {
        guard let format = item as? [String: Any] else {
            return .invalid("\(path): Input should be a valid dictionary")
        }
        guard let type = format["type"] as? String else { return .invalid("\(path).type: Field required") }
        guard type == "json_schema" else {
            return .invalid(
                "\(path): Input tag '\(type)' found using 'type' does not match any of the expected tags: 'json_schema'"
            )
        }
        guard format["schema"] is [String: Any] else { return .invalid("\(path).schema: Field required") }
        return nil
    }

    static func isTextBlocks(_ value: Any) -> Bool {
        guard let blocks = value as? [[String: Any]] else { return false }
        return blocks.allSatisfy { $0["type"] as? String == "text" && $0["text"] is String }
    }

    /// `{"type":"error","error":{"type","message"},"request_id"}` with the error's status.
    static func render(_ error: LLMError, requestID: String = "req_" + FakeLLMResponder.randomID()) -> Response {
        var response = json(
            ["type": "error", "error": ["type": error.type, "message": error.message], "request_id": requestID],
            status: error.status, requestID: requestID)
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    static func json(_ object: [String: Any], status: Int, requestID: String) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: .init(code: status),
            headers: [.contentType: "application/json", HTTPField.Name("request-id")!: requestID],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
