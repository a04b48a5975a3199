import Synchronization

/// A reply chosen for a valid request: the text of the answer and why it stopped.
struct LLMAnswer {
    enum Stop { case endTurn, maxTokens, refusal, other(String) }

    var text: String
    var stop: Stop
    var inputTokens: Int
    var outputTokens: Int

    /// The answer of the first rule matching `call`, cut at its `max_tokens` or by an injected
    /// ``FakeLLMFailure/maxTokens``; a refusal when one is injected; nil when no rule matches.
    static func choose(for call: LLMCall, store: FakeLLMStore) -> LLMAnswer? {
        let prompt = call.prompt
        let inputTokens = max(1, LLMPrompt.tokens(prompt.allText))
        if call.failure == .refusal {
            let text = "I can't help with that request."
            return LLMAnswer(text: text, stop: .refusal, inputTokens: inputTokens, outputTokens: LLMPrompt.tokens(text))
        }
        let rule = store.state.withLock { state in
            state.rules.first { $0.matching.isEmpty || prompt.allText.contains($0.matching) }
        }
        guard let rule else { return nil }
        var text: String
        var stop: Stop
        switch rule.reply {
        case .text(let reply, let reason):
            text = reply
            stop = reason == "end_turn" ? .endTurn : reason == "max_tokens" ? .maxTokens : .other(reason)
        case .computed(let reply):
            text = reply(prompt.system, prompt.user)
            stop = .endTurn
        }
        if call.failure == .maxTokens {
            text = String(text.prefix(text.count / 2))
            stop = .maxTokens
            let outputTokens = max(prompt.maxTokens ?? 0, LLMPrompt.tokens(text))
            return LLMAnswer(text: text, stop: stop, inputTokens: inputTokens, outputTokens: outputTokens)
        }
        if let limit = prompt.maxTokens, limit > 0, LLMPrompt.tokens(text) > limit {
            text = String(text.prefix(limit * 4))
            stop = .maxTokens
        }
        return LLMAnswer(text: text, stop: stop, inputTokens: inputTokens, outputTokens: LLMPrompt.tokens(text))
    }

    static let noMatch = LLMError.invalid("no canned answer matches this request (FakeLLM)")
}
