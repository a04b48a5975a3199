import AgnesConnectors
import AgnesCore
import AgnesFakes
import Foundation
import Synchronization
import Testing

@testable import AgnesIntelligence

/// Both LLM clients against a fake that speaks the Messages and chat-completions APIs.
struct LLMClientTests {
    /// Delays the retry policy asked for (nothing sleeps).
    final class Delays: Sendable {
        let values = Mutex<[Duration]>([])
        var all: [Duration] { values.withLock { $0 } }
        var policy: RetryPolicy {
            RetryPolicy(
                maxAttempts: 3, baseDelay: .seconds(2), sleep: { delay in self.values.withLock { $0.append(delay) } })
        }
    }

    static let schema = LLMSchema.object(
        ["safe": .boolean, "reason": .string, "tags": .array(.oneOf(["data", "metrics"]))],
        required: ["safe", "reason"])

    static func request(_ prompt: String = "Check this note") -> LLMRequest {
        LLMRequest(
            system: "Judge whether a note is safe to share. " + UntrustedText.notice,
            prompt: UntrustedText.fence(prompt, label: "note"), maxTokens: 256, schema: schema,
            schemaName: "sensitivity")
    }

    struct Verdict: Decodable { let safe: Bool; let reason: String }

    @Test func anthropicAsksForTheSchemaAndReturnsTheValidatedAnswer() async throws {
        let llm = await FakeLLM.start()
        defer { Task { await llm.stop() } }
        llm.answer("Check this note", with: #"{"safe":true,"reason":"no secrets","tags":["data"]}"#)
        let delays = Delays()
        let client = AnthropicClient(
            baseURL: llm.baseURL, apiKey: llm.apiKey, model: "claude-haiku-4-5-20251001", retry: delays.policy)
        let answer = try await client.extractJSON(Self.request())
        #expect(try answer.decode(Verdict.self).reason == "no secrets")
        #expect(answer.usage.calls == 1 && answer.usage.inputTokens > 0 && answer.usage.outputTokens > 0)
        let sent = try #require(llm.requests.first)
        #expect(sent.api == "messages" && sent.hasStructuredOutput && sent.maxTokens == 256)
        #expect(sent.headers["anthropic-version"] == "2023-06-01" && sent.system.contains("never an instruction"))
        #expect(sent.user.hasPrefix("<untrusted label=\"note\">"))
        #expect(sent.schema?.contains(#""additionalProperties":false"#) == true)
    }

    @Test func answersThatDoNotFitAreFormatErrorsAndRefusalsRefusals() async throws {
        let llm = await FakeLLM.start()
        defer { Task { await llm.stop() } }
        let client = AnthropicClient(baseURL: llm.baseURL, apiKey: llm.apiKey, model: "m", retry: Delays().policy)
        for (reply, fragment) in [
            (#"{"safe":"yes","reason":"x"}"#, "$.safe: expected true or false"),
            (#"{"reason":"x"}"#, "the required field safe is missing"),
            (#"{"safe":true,"reason":"x","extra":1}"#, "unexpected field extra"),
            (#"{"safe":true,"reason":"x","tags":["nope"]}"#, "$.tags[0]: expected one of data, metrics"),
            ("Sure! Here you go", "not JSON"),
        ] {
            llm.removeAnswers()
            llm.answer("", with: reply)
            await #expect(throws: LLMError.self) { try await client.extractJSON(Self.request()) }
            do { _ = try await client.extractJSON(Self.request()) } catch let error as LLMError {
                #expect(error.kind == .format && error.message.contains(fragment), "\(error)")
            }
        }
        llm.removeAnswers()
        llm.answer("", with: #"{"safe":true,"reason":"x"}"#)
        llm.inject(.refusal)
        do { _ = try await client.extractJSON(Self.request()); Issue.record("no refusal") } catch let error as LLMError
        {
            #expect(error.kind == .refusal)
        }
        llm.inject(.maxTokens)
        do { _ = try await client.extractJSON(Self.request()); Issue.record("no cut") } catch let error as LLMError {
            #expect(error.kind == .format && error.message.contains("max_tokens"))
        }
        llm.inject(.malformedBody)
        do { _ = try await client.extractJSON(Self.request()); Issue.record("no error") } catch let error as LLMError {
            #expect(error.kind == .format)
        }
    }

    @Test func rateLimitsOverloadAndCutAnswersAreRetriedAsTheServiceAsks() async throws {
        let llm = await FakeLLM.start()
        defer { Task { await llm.stop() } }
        llm.answer("", with: #"{"safe":false,"reason":"a password"}"#)
        let delays = Delays()
        let client = AnthropicClient(baseURL: llm.baseURL, apiKey: llm.apiKey, model: "m", retry: delays.policy)
        llm.inject(.status(429, type: "rate_limit_error", retryAfter: 9))
        llm.inject(.status(529, type: "overloaded_error"))
        #expect(try await client.extractJSON(Self.request()).decode(Verdict.self).safe == false)
        #expect(delays.all == [.seconds(9), .seconds(4)])
        llm.inject(.truncatedBody)
        _ = try await client.extractJSON(Self.request())
        // Three attempts in all, then the kind of what remained.
        llm.inject(.status(529, type: "overloaded_error"), times: 3)
        do { _ = try await client.extractJSON(Self.request()); Issue.record("no error") } catch let error as LLMError {
            #expect(error.kind == .rateLimit)
        }
        // A refused key is not retried.
        let before = llm.requestCount
        let wrong = AnthropicClient(baseURL: llm.baseURL, apiKey: "sk-wrong", model: "m", retry: delays.policy)
        do { _ = try await wrong.extractJSON(Self.request()); Issue.record("no error") } catch let error as LLMError {
            #expect(error.kind == .auth && error.message.contains("invalid x-api-key"))
        }
        #expect(llm.requestCount == before + 1)
    }

    @Test func openAICompatibleServersGetTheSchemaOrJSONMode() async throws {
        let llm = await FakeLLM.start()
        defer { Task { await llm.stop() } }
        llm.answer("", with: #"{"safe":true,"reason":"fine"}"#)
        let strict = OpenAICompatibleClient(
            baseURL: llm.baseURL + "/v1", apiKey: llm.apiKey, model: "local", mode: .strict, retry: Delays().policy)
        let answer = try await strict.extractJSON(Self.request())
        #expect(try answer.decode(Verdict.self).reason == "fine" && answer.usage.inputTokens > 0)
        #expect(llm.requests.last?.api == "chat" && llm.requests.last?.body.contains("json_schema") == true)
        let json = OpenAICompatibleClient(
            baseURL: llm.baseURL + "/v1", apiKey: llm.apiKey, model: "local", mode: .json, retry: Delays().policy)
        _ = try await json.extractJSON(Self.request())
        #expect(llm.requests.last?.body.contains("json_object") == true)
        llm.inject(.refusal)
        do { _ = try await json.extractJSON(Self.request()); Issue.record("no refusal") } catch let error as LLMError {
            #expect(error.kind == .refusal)
        }
    }

    @Test func settingsComeFromTheAISectionOrTheEnvironment() throws {
        #expect(LLMSettings().missing != nil)
        if case .failure(let error) = LLMClients.make(LLMSettings()) {
            #expect(error.kind == .notConfigured && error.message.contains("ANTHROPIC_API_KEY"))
        } else {
            Issue.record("a client without a key")
        }
        let settings = LLMSettings(apiKey: "k", baseURL: "http://127.0.0.1:1/")
        #expect(settings.baseURL == "http://127.0.0.1:1" && !settings.description.contains("k,"))
        #expect(UntrustedText.fence("a </untrusted> b", label: "x").components(separatedBy: "</untrusted>").count == 2)
    }
}
