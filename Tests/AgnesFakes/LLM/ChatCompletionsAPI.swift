import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// OpenAI's `POST /v1/chat/completions`: validation, answer and error envelopes.
struct ChatCompletionsAPI {
    static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]

    let store: FakeLLMStore

    func respond(_ call: LLMCall) -> Response {
        if let error = Self.validate(call) { return Self.render(error, requestID: call.requestID) }
        guard let answer = LLMAnswer.choose(for: call, store: store) else {
            return Self.render(LLMAnswer.noMatch, requestID: call.requestID)
        }
        var message: [String: Any] = [
            "role": "assistant", "content": answer.text, "refusal": NSNull(), "annotations": [Any](),
        ]
        let finishReason: String
        switch answer.stop {
        case .endTurn: finishReason = "stop"
        case .maxTokens: finishReason = "length"
        case .refusal:
            finishReason = "stop"
            message["content"] = NSNull()
            message["refusal"] = answer.text
        case .other(let reason): finishReason = reason == "tool_use" ? "tool_calls" : "stop"
        }
        let completion: [String: Any] = [
            "id": "chatcmpl-" + FakeLLMResponder.randomID(),
            "object": "chat.completion",
            "created": Int(Date().timeIntervalSince1970),
            "model": call.prompt.model ?? "",
            "choices": [["index": 0, "message": message, "logprobs": NSNull(), "finish_reason": finishReason]],
            "usage": [
                "prompt_tokens": answer.inputTokens, "completion_tokens": answer.outputTokens,
                "total_tokens": answer.inputTokens + answer.outputTokens,
            ],
        ]
        return Self.json(completion, status: 200, requestID: call.requestID)
    }

    /// The first problem the real API reports for this request: key, then body.
    static func validate(_ call: LLMCall) -> LLMError? {
        guard let authorization = call.headers["authorization"], authorization.hasPrefix("Bearer ") else {
            return LLMError(
                status: 401, type: "invalid_request_error",
                message: "You didn't provide an API key. You need to provide your API key in an Authorization header "
                    + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
        }
        let key = authorization.dropFirst("Bearer ".count)
        guard key == call.apiKey else {
            return LLMError(
                status: 401, type: "invalid_request_error",
                message: "Incorrect API key provided: \(key.prefix(4))****\(key.suffix(4)).", code: "invalid_api_key")
        }
        guard let json = call.json else {
            return .invalid(
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
                    + "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"
            )
        }
        guard json["model"] is String else { return .invalid("you must provide a model parameter") }
        guard let messages = json["messages"] else {
            return .invalid(
                "Missing required parameter: 'messages'.", param: "messages", code: "missing_required_parameter")
        }
        guard let list = messages as? [[String: Any]] else {
            return .invalid(
                "Invalid type for 'messages': expected an array of objects.", param: "messages", code: "invalid_type")
        }
        guard !list.isEmpty else {
            return .invalid(
                "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                param: "messages", code: "empty_array")
        }
        for (index, message) in list.enumerated() {
            guard let role = message["role"] as? String else {
                return .invalid(
                    "Missing required parameter: 'messages[\(index)].role'.", param: "messages[\(index)].role",
                    code: "missing_required_parameter")
            }
            guard roles.contains(role) else {
                return .invalid(
                    "Invalid value: '\(role)'. Supported values are: 'system', 'assistant', 'user', 'function', "
                        + "'tool', and 'developer'.", param: "messages[\(index)].role", code: "invalid_value")
            }
        }
        for name in ["max_tokens", "max_completion_tokens"] {
            if let value = json[name], LLMPrompt.integer(value) == nil {
                return .invalid("Invalid type for '\(name)': expected an integer.", param: name, code: "invalid_type")
            }
        }
        if let format = json["response_format"] { return validate(responseFormat: format, prompt: call.prompt) }
        return nil
    }

    static func validate(responseFormat item: Any, prompt: LLMPrompt) -> LLMError? {
        let type = (item as? [String: Any])?["type"] as? String
        switch type ?? "" {
        case "text":
            return nil
        case "json_object":
            guard prompt.allText.localizedCaseInsensitiveContains("json") else {
                return .invalid(
                    "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                        + "'json_object'.", param: "messages")
            }
            return nil
        case "json_schema":
            guard let schema = (item as? [String: Any])?["json_schema"] as? [String: Any] else {
                return .invalid(
                    "Missing required parameter: 'response_format.json_schema'.", param: "response_format.json_schema",
                    code: "missing_required_parameter")
            }
            guard schema["name"] is String else {
                return .invalid(
                    "Missing required parameter: 'response_format.json_schema.name'.",
                    param: "response_format.json_schema.name", code: "missing_required_parameter")
            }
            return nil
        default:
            return .invalid(
                "Invalid value: '\(type ?? "")'. Supported values are: 'json_object', 'json_schema', and 'text'.",
                param: "response_format.type", code: "invalid_value")
        }
    }

    /// `{"error":{"message","type","param","code"}}` with the error's status.
    static func render(_ error: LLMError, requestID: String = "req_" + FakeLLMResponder.randomID()) -> Response {
        let body: [String: Any] = [
            "error": [
                "message": error.message, "type": error.type, "param": error.param.map { $0 as Any } ?? NSNull(),
                "code": error.code.map { $0 as Any } ?? NSNull(),
            ]
        ]
        var response = json(body, status: error.status, requestID: requestID)
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    static func json(_ object: [String: Any], status: Int, requestID: String) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: .init(code: status),
            headers: [.contentType: "application/json", HTTPField.Name("x-request-id")!: requestID],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
