// A fake LLM server on 127.0.0.1 speaking Anthropic's Messages API and OpenAI's chat completions API,
// with canned answers chosen by rule, so a client that works against it works against the real service
// after a configuration change (its base URL and key).
//
// Documented behaviour it reproduces (sources: docs.claude.com API reference — "Messages" (create),
// "Errors", "Versioning", and the guide "Structured outputs"; platform.openai.com API reference —
// "Chat Completions" (create), "Error codes", and the guide "Structured Outputs"):
// - `POST /v1/messages` needs `x-api-key` (none: 401 authentication_error `x-api-key header is required`;
//   another: 401 `invalid x-api-key`) and `anthropic-version` (none: 400 invalid_request_error
//   `anthropic-version: header is required`; not `2023-06-01`/`2023-01-01`: 400
//   `anthropic-version: "<v>" is not a valid version`).
// - Body: `model`, `max_tokens` (integer ≥ 1) and `messages` (non-empty list of {role: user|assistant,
//   content: string or blocks}) are required — 400 `<field>: Field required`, `max_tokens: Input should be
//   a valid integer`, `messages: at least one message is required`; a `system` role in `messages` is 400
//   (the API takes a top-level `system`: a string or a list of text blocks). `temperature` is 0…1.
// - JSON outputs (structured outputs, GA): `output_config: {format: {type: "json_schema", schema: {…}}}`;
//   the beta's top-level `output_format: {type: "json_schema", schema}` (beta header
//   `anthropic-beta: structured-outputs-2025-11-13`) is still accepted. The answer is one text block whose
//   text is the JSON document.
// - The answer: `{id: "msg_…", type: "message", role: "assistant", model, content: [{type: "text", text}],
//   stop_reason: end_turn|max_tokens|stop_sequence|tool_use|refusal, stop_sequence, usage: {input_tokens,
//   output_tokens, cache_creation_input_tokens, cache_read_input_tokens}}` with a `request-id` header.
//   A reply longer than `max_tokens` is cut there, with `stop_reason: "max_tokens"`.
// - Errors: `{"type":"error","error":{"type","message"},"request_id":"req_…"}`; types by status:
//   400 invalid_request_error, 401 authentication_error, 403 permission_error, 404 not_found_error,
//   413 request_too_large, 429 rate_limit_error (with `retry-after`), 500 api_error, 529 overloaded_error.
// - `POST /v1/chat/completions`: `Authorization: Bearer <key>` (none: 401 "You didn't provide an API key…";
//   another: 401 `Incorrect API key provided: …`, code invalid_api_key); `model` (400 `you must provide a
//   model parameter`) and `messages` (400 `Missing required parameter: 'messages'.`, code
//   missing_required_parameter; empty: code empty_array) required; roles system|developer|user|assistant|
//   tool|function; `max_tokens` or `max_completion_tokens`; `response_format` {type: text | json_object |
//   json_schema with json_schema: {name, schema, strict}} — json_object needs the word "json" in the
//   messages (400). The answer: `{id: "chatcmpl-…", object: "chat.completion", created, model, choices:
//   [{index: 0, message: {role: "assistant", content, refusal}, finish_reason: stop|length}], usage:
//   {prompt_tokens, completion_tokens, total_tokens}}`, an `x-request-id` header; errors
//   `{"error":{"message","type","param","code"}}`.
//
// Decided where the docs are silent: the key is checked before the version header, the headers before
// the body; a body that is not a JSON object is 400 invalid_request_error (`messages`) or OpenAI's "We
// could not parse the JSON body of your request." (`chat`); any model name is accepted and echoed;
// `content-type` is recorded, not checked; tokens are counted as characters / 4 rounded up (input: the
// system and all message text); cache token counts are always 0; a request no rule matches is 400
// invalid_request_error `no canned answer matches this request (FakeLLM)`; a rule's `stop_reason` maps
// to chat's `finish_reason` (max_tokens → length, tool_use → tool_calls, otherwise stop); an injected
// status keeps the given error type in both envelopes (chat adds code `rate_limit_exceeded` on 429) and
// sends `retry-after` on either API; injections are taken by every request to either endpoint, before
// any validation; a refusal is a short non-JSON text block (chat: `content: null`, `refusal` text);
// unknown paths are 404 not_found_error `Not Found`, other methods 405.

import Foundation
import Hummingbird
import Synchronization

/// A fake LLM server (Anthropic Messages API and OpenAI chat completions) on a free port of 127.0.0.1.
///
/// ```swift
/// let llm = await FakeLLM.start()
/// llm.answer("Describe table orders", with: #"{"description":"One row per order"}"#)
/// llm.answer("ids:") { system, user in #"{"ids":["\#(user.count)"]}"# }
/// llm.inject(.status(429, type: "rate_limit_error", retryAfter: 3))
/// // point the client at llm.baseURL + "/v1/messages" with x-api-key llm.apiKey
/// await llm.stop()
/// ```
public final class FakeLLM: Sendable {
    let store: FakeLLMStore
    private let server: LoopbackServer

    private init(store: FakeLLMStore, server: LoopbackServer) {
        self.store = store
        self.server = server
    }

    /// Starts the fake and returns once it listens; it accepts `apiKey` on both APIs.
    public static func start(apiKey: String = "sk-ant-test", model: String = "claude-haiku-4-5-20251001") async
        -> FakeLLM
    {
        let store = FakeLLMStore(apiKey: apiKey, model: model)
        let router = Router()
        router.add(middleware: FakeLLMResponder(store: store))
        return FakeLLM(store: store, server: await LoopbackServer.start(router, label: "fake-llm"))
    }

    /// Stops listening.
    public func stop() async { await server.stop() }

    /// The server's root, `http://127.0.0.1:<port>` (the client adds `/v1/messages` or
    /// `/v1/chat/completions`).
    public var baseURL: String { server.base }

    /// The key the fake accepts (`x-api-key`, or `Authorization: Bearer` on chat completions); setting it
    /// revokes the old one.
    public var apiKey: String {
        get { store.state.withLock { $0.apiKey } }
        set { store.state.withLock { $0.apiKey = newValue } }
    }

    /// The model id to configure the client with (any other is accepted too, and echoed).
    public var model: String { store.state.withLock { $0.model } }

    /// Answers requests whose text (system and every message) contains `matching` with `reply` as the
    /// text of the single text block (for structured output, the JSON document). Rules are tried in the
    /// order added; the first that matches answers. An empty `matching` matches every request.
    public func answer(_ matching: String, with reply: String, stopReason: String = "end_turn") {
        store.state.withLock { $0.rules.append(FakeLLMRule(matching: matching, reply: .text(reply, stopReason))) }
    }

    /// Answers requests whose text contains `matching` with a reply computed from the request's system
    /// text and user text (to echo ids from the prompt).
    public func answer(
        _ matching: String, using reply: @escaping @Sendable (_ system: String, _ user: String) -> String
    ) {
        store.state.withLock { $0.rules.append(FakeLLMRule(matching: matching, reply: .computed(reply))) }
    }

    /// Removes every rule.
    public func removeAnswers() {
        store.state.withLock { $0.rules.removeAll() }
    }

    /// Answers the next `times` requests of either API with `failure` instead.
    public func inject(_ failure: FakeLLMFailure, times: Int = 1) {
        store.state.withLock { state in
            for _ in 0..<max(0, times) { state.injections.append(failure) }
        }
    }

    /// Every request received on either endpoint, in order.
    public var requests: [FakeLLMRequest] { store.state.withLock { $0.requests } }

    /// How many requests the fake received on either endpoint.
    public var requestCount: Int { store.state.withLock { $0.requests.count } }
}

/// The fake's rules, injections and log, shared with its responder.
final class FakeLLMStore: Sendable {
    let state: Mutex<FakeLLMState>
    init(apiKey: String, model: String) { state = Mutex(FakeLLMState(apiKey: apiKey, model: model)) }
}

struct FakeLLMState {
    var apiKey: String
    var model: String
    var rules: [FakeLLMRule] = []
    var injections: [FakeLLMFailure] = []
    var requests: [FakeLLMRequest] = []

    /// The next injected failure, removed.
    mutating func takeInjection() -> FakeLLMFailure? {
        injections.isEmpty ? nil : injections.removeFirst()
    }
}

/// A canned answer: the first rule whose `matching` occurs in a request's text answers it.
struct FakeLLMRule: Sendable {
    enum Reply: Sendable {
        case text(String, String)
        case computed(@Sendable (_ system: String, _ user: String) -> String)
    }

    let matching: String
    let reply: Reply
}
