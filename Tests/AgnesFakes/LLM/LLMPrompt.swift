import Foundation

/// What the fake reads from a request body of either API, parsed leniently (validation is the API's
/// own, in ``MessagesAPI`` and ``ChatCompletionsAPI``): enough to record it and pick a rule.
struct LLMPrompt {
    var model: String?
    var maxTokens: Int?
    var temperature: Double?
    var system = ""
    var user = ""
    /// The system text and every message's text: what rules match against.
    var allText = ""
    var hasStructuredOutput = false
    var schema: String?
    var stopSequences: [String] = []

    /// A body of `POST /v1/messages`.
    static func messages(_ json: [String: Any]?) -> LLMPrompt {
        var prompt = LLMPrompt()
        guard let json else { return prompt }
        prompt.model = json["model"] as? String
        prompt.maxTokens = integer(json["max_tokens"])
        prompt.temperature = (json["temperature"] as? NSNumber)?.doubleValue
        prompt.stopSequences = json["stop_sequences"] as? [String] ?? []
        prompt.system = text(json["system"])
        let messages = json["messages"] as? [[String: Any]] ?? []
        prompt.user = messages.filter { $0["role"] as? String == "user" }.map { text($0["content"]) }
            .joined(separator: "\n")
        prompt.allText = ([prompt.system] + messages.map { text($0["content"]) }).joined(separator: "\n")
        let format =
            (json["output_config"] as? [String: Any])?["format"] as? [String: Any]
            ?? json["output_format"] as? [String: Any]
        if let format, format["type"] as? String == "json_schema" {
            prompt.hasStructuredOutput = true
            prompt.schema = serialized(format["schema"])
        }
        return prompt
    }

    /// A body of `POST /v1/chat/completions`.
    static func chat(_ json: [String: Any]?) -> LLMPrompt {
        var prompt = LLMPrompt()
        guard let json else { return prompt }
        prompt.model = json["model"] as? String
        prompt.maxTokens = integer(json["max_completion_tokens"]) ?? integer(json["max_tokens"])
        prompt.temperature = (json["temperature"] as? NSNumber)?.doubleValue
        prompt.stopSequences = json["stop"] as? [String] ?? (json["stop"] as? String).map { [$0] } ?? []
        let messages = json["messages"] as? [[String: Any]] ?? []
        func texts(_ roles: Set<String>) -> String {
            messages.filter { roles.contains($0["role"] as? String ?? "") }.map { text($0["content"]) }
                .joined(separator: "\n")
        }
        prompt.system = texts(["system", "developer"])
        prompt.user = texts(["user"])
        prompt.allText = messages.map { text($0["content"]) }.joined(separator: "\n")
        if let format = json["response_format"] as? [String: Any] {
            switch format["type"] as? String {
            case "json_schema":
                prompt.hasStructuredOutput = true
                prompt.schema = serialized((format["json_schema"] as? [String: Any])?["schema"])
            case "json_object":
                prompt.hasStructuredOutput = true
            default:
                break
            }
        }
        return prompt
    }

    /// The text of a `content` (or `system`): a string, or the `text` of its text blocks joined by newlines.
    static func text(_ content: Any?) -> String {
        if let string = content as? String { return string }
        guard let blocks = content as? [[String: Any]] else { return "" }
        return blocks.compactMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil }
            .joined(separator: "\n")
    }

    /// An integer JSON number (not a fraction, not a Boolean).
    static func integer(_ value: Any?) -> Int? {
        // JSON's true and false decode as NSNumber too, of Objective-C type `c` (char).
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        let double = number.doubleValue
        return double.rounded() == double && abs(double) < 1e15 ? Int(double) : nil
    }

    static func serialized(_ object: Any?) -> String? {
        guard let object, JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// A rough token count: characters / 4, rounded up.
    static func tokens(_ text: String) -> Int {
        (text.count + 3) / 4
    }
}
