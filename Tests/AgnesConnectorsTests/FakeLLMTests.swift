import AgnesFakes
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The fake LLM server speaks Anthropic's Messages API and OpenAI's chat completions over real HTTP.
@Suite struct FakeLLMTests {
    @Test func messagesRefuseAMissingOrWrongKey() async throws {
        try await withFake { llm in
            let missing = try await Self.messages(llm, Self.prompt("hi"), headers: ["x-api-key": nil])
            #expect(missing.status == 401)
            #expect(try missing.errorType() == "authentication_error")
            #expect(try missing.errorMessage() == "x-api-key header is required")
            let wrong = try await Self.messages(llm, Self.prompt("hi"), headers: ["x-api-key": "sk-ant-other"])
            #expect(wrong.status == 401)
            #expect(try wrong.errorMessage() == "invalid x-api-key")
            let requestID = try #require(wrong.headers.first(name: "request-id"))
            #expect(requestID.hasPrefix("req_"))
            #expect(try wrong.object()["request_id"] as? String == requestID)
            #expect(llm.requestCount == 2)
        }
    }

    @Test func messagesNeedTheVersionHeaderAndRequiredFields() async throws {
        try await withFake { llm in
            llm.answer("", with: "ok")
            let noVersion = try await Self.messages(llm, Self.prompt("hi"), headers: ["anthropic-version": nil])
            #expect(noVersion.status == 400)
            #expect(try noVersion.errorType() == "invalid_request_error")
            #expect(try noVersion.errorMessage() == "anthropic-version: header is required")
            let badVersion = try await Self.messages(
                llm, Self.prompt("hi"), headers: ["anthropic-version": "2024-01-01"])
            #expect(try badVersion.errorMessage() == "anthropic-version: \"2024-01-01\" is not a valid version")
            var noLimit = Self.prompt("hi")
            noLimit["max_tokens"] = nil
            #expect(try await Self.messages(llm, noLimit).errorMessage() == "max_tokens: Field required")
            var noMessages = Self.prompt("hi")
            noMessages["messages"] = nil
            #expect(try await Self.messages(llm, noMessages).errorMessage() == "messages: Field required")
            var systemRole = Self.prompt("hi")
            systemRole["messages"] = [["role": "system", "content": "be brief"]]
            let refused = try await Self.messages(llm, systemRole)
            #expect(refused.status == 400)
            #expect(try refused.errorMessage()?.contains("top-level `system` parameter") == true)
        }
    }

    @Test func cannedAnswersByRuleInOrder() async throws {
        try await withFake { llm in
            llm.answer("orders", with: #"{"table":"orders"}"#)
            llm.answer("Describe", with: #"{"table":"other"}"#)
            var body = Self.prompt("Describe table orders")
            body["system"] = "You describe tables."
            body["model"] = "claude-sonnet-4-5"
            let reply = try await Self.messages(llm, body)
            #expect(reply.status == 200)
            let message = try reply.object()
            #expect((message["id"] as? String)?.hasPrefix("msg_") == true)
            #expect(message["type"] as? String == "message")
            #expect(message["role"] as? String == "assistant")
            #expect(message["model"] as? String == "claude-sonnet-4-5")
            #expect(message["stop_reason"] as? String == "end_turn")
            #expect(message["stop_sequence"] is NSNull)
            #expect(try reply.text() == #"{"table":"orders"}"#)
            let usage = try #require(message["usage"] as? [String: Any])
            #expect((usage["input_tokens"] as? Int ?? 0) > 0)
            #expect(usage["output_tokens"] as? Int == 5)
            #expect(usage["cache_creation_input_tokens"] as? Int == 0)
            #expect(usage["cache_read_input_tokens"] as? Int == 0)
            #expect(try await Self.messages(llm, Self.prompt("Describe table users")).text() == #"{"table":"other"}"#)
            let unmatched = try await Self.messages(llm, Self.prompt("Summarise"))
            #expect(unmatched.status == 400)
            #expect(try unmatched.errorMessage()?.contains("no canned answer matches") == true)
            let first = try #require(llm.requests.first)
            #expect(first.api == "messages")
            #expect(first.system == "You describe tables.")
            #expect(first.user == "Describe table orders")
            #expect(first.maxTokens == 1024)
            #expect(first.headers["anthropic-version"] == "2023-06-01")
            #expect(!first.hasStructuredOutput)
        }
    }

    @Test func computedAnswerSeesSystemBlocksAndUserText() async throws {
        try await withFake { llm in
            llm.answer("ids:") { system, user in
                let ids = user.split(separator: ":").last?.split(separator: ",").map(String.init) ?? []
                let data = try? JSONSerialization.data(withJSONObject: ["system": system, "ids": ids] as [String: Any])
                return String(decoding: data ?? Data(), as: UTF8.self)
            }
            var body = Self.prompt("")
            body["system"] = [["type": "text", "text": "Tag"], ["type": "text", "text": "rows"]]
            body["messages"] = [["role": "user", "content": [["type": "text", "text": "ids:a1,b2"]]]]
            let object = try JSONSerialization.jsonObject(with: Data(try await Self.messages(llm, body).text().utf8))
            let answer = try #require(object as? [String: Any])
            #expect(answer["system"] as? String == "Tag\nrows")
            #expect(answer["ids"] as? [String] == ["a1", "b2"])
        }
    }

    @Test func structuredOutputRequestsAreRecorded() async throws {
        try await withFake { llm in
            llm.answer("extract", with: "not json at all")
            let schema: [String: Any] = [
                "type": "object", "properties": ["name": ["type": "string"]], "required": ["name"],
                "additionalProperties": false,
            ]
            var body = Self.prompt("extract the name")
            body["output_config"] = ["format": ["type": "json_schema", "schema": schema]]
            let reply = try await Self.messages(llm, body)
            #expect(reply.status == 200)
            #expect(try reply.text() == "not json at all")
            var beta = Self.prompt("extract again")
            beta["output_format"] = ["type": "json_schema", "schema": schema]
            _ = try await Self.messages(llm, beta, headers: ["anthropic-beta": "structured-outputs-2025-11-13"])
            var wrongType = Self.prompt("extract")
            wrongType["output_config"] = ["format": ["type": "json_object"]]
            #expect(try await Self.messages(llm, wrongType).status == 400)
            let requests = llm.requests
            #expect(requests.map(\.hasStructuredOutput) == [true, true, false])
            let recorded = try #require(requests[0].schema)
            #expect(recorded.contains(#""additionalProperties":false"#))
            #expect(requests[1].headers["anthropic-beta"] == "structured-outputs-2025-11-13")
        }
    }

    @Test func injectedStatusesCarryTheErrorEnvelope() async throws {
        try await withFake { llm in
            llm.answer("", with: "ok")
            llm.inject(.status(429, type: "rate_limit_error", retryAfter: 3))
            llm.inject(.status(529, type: "overloaded_error"), times: 2)
            let limited = try await Self.messages(llm, Self.prompt("hi"))
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "retry-after") == "3")
            #expect(try limited.errorType() == "rate_limit_error")
            #expect(try limited.object()["type"] as? String == "error")
            for _ in 0..<2 {
                let overloaded = try await Self.messages(llm, Self.prompt("hi"))
                #expect(overloaded.status == 529)
                #expect(try overloaded.errorType() == "overloaded_error")
                #expect(overloaded.headers.first(name: "retry-after") == nil)
            }
            #expect(try await Self.messages(llm, Self.prompt("hi")).status == 200)
        }
    }

    @Test func malformedAndTruncatedBodies() async throws {
        try await withFake { llm in
            llm.answer("", with: #"{"description":"A long enough canned answer to cut in half"}"#)
            llm.inject(.malformedBody)
            let malformed = try await Self.messages(llm, Self.prompt("hi"))
            #expect(malformed.status == 200)
            #expect((try? JSONSerialization.jsonObject(with: malformed.body)) == nil)
            llm.inject(.truncatedBody)
            await #expect(throws: (any Error).self) { try await Self.messages(llm, Self.prompt("hi")) }
            #expect(try await Self.messages(llm, Self.prompt("hi")).status == 200)
        }
    }

    @Test func refusalAndMaxTokensStopReasons() async throws {
        try await withFake { llm in
            let document = #"{"columns":[{"name":"amount","description":"Net amount"}]}"#
            llm.answer("", with: document)
            llm.inject(.refusal)
            let refused = try await Self.messages(llm, Self.prompt("hi"))
            #expect(refused.status == 200)
            #expect(try refused.object()["stop_reason"] as? String == "refusal")
            llm.inject(.maxTokens)
            let cut = try await Self.messages(llm, Self.prompt("hi"))
            #expect(try cut.object()["stop_reason"] as? String == "max_tokens")
            let text = try cut.text()
            #expect(document.hasPrefix(text) && text.count < document.count)
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) == nil)
            var small = Self.prompt("hi")
            small["max_tokens"] = 4
            let limited = try await Self.messages(llm, small)
            #expect(try limited.object()["stop_reason"] as? String == "max_tokens")
            #expect(try limited.text() == String(document.prefix(16)))
        }
    }

    @Test func slowAnswerOutlastsAClientTimeout() async throws {
        try await withFake { llm in
            llm.answer("", with: "ok")
            llm.inject(.slow(milliseconds: 1_500))
            await #expect(throws: (any Error).self) {
                try await Self.messages(llm, Self.prompt("hi"), timeout: .milliseconds(100))
            }
            let next = try await Self.messages(llm, Self.prompt("hi"))
            #expect(next.status == 200)
        }
    }

    @Test func chatCompletionsHaveOpenAIShape() async throws {
        try await withFake { llm in
            llm.answer("orders", with: #"{"table":"orders"}"#)
            let body: [String: Any] = [
                "model": "gpt-4o-mini", "max_completion_tokens": 200,
                "messages": [
                    ["role": "system", "content": "You describe tables."],
                    ["role": "user", "content": "Describe orders"],
                ],
                "response_format": [
                    "type": "json_schema",
                    "json_schema": ["name": "table", "strict": true, "schema": ["type": "object"]],
                ],
            ]
            let reply = try await Self.chat(llm, body)
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "x-request-id")?.hasPrefix("req_") == true)
            let completion = try reply.object()
            #expect((completion["id"] as? String)?.hasPrefix("chatcmpl-") == true)
            #expect(completion["object"] as? String == "chat.completion")
            #expect(completion["model"] as? String == "gpt-4o-mini")
            #expect(completion["created"] is Int)
            let choice = try #require((completion["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "stop")
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect(message["content"] as? String == #"{"table":"orders"}"#)
            #expect(message["refusal"] is NSNull)
            let usage = try #require(completion["usage"] as? [String: Int])
            #expect(usage["total_tokens"] == (usage["prompt_tokens"] ?? 0) + (usage["completion_tokens"] ?? 0))
            let recorded = try #require(llm.requests.first)
            #expect(recorded.api == "chat")
            #expect(recorded.system == "You describe tables.")
            #expect(recorded.maxTokens == 200)
            #expect(recorded.hasStructuredOutput)
            #expect(recorded.schema == #"{"type":"object"}"#)
            llm.inject(.maxTokens)
            let cut = try await Self.chat(llm, body)
            #expect((try cut.object()["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "length")
        }
    }

    @Test func chatCompletionsErrorsUseOpenAIEnvelope() async throws {
        try await withFake { llm in
            llm.answer("", with: "{}")
            let body: [String: Any] = ["model": "gpt-4o-mini", "messages": [["role": "user", "content": "hi"]]]
            let noKey = try await Self.chat(llm, body, bearer: nil)
            #expect(noKey.status == 401)
            #expect(try noKey.errorType() == "invalid_request_error")
            let wrongKey = try await Self.chat(llm, body, bearer: "sk-wrong-key")
            #expect(wrongKey.status == 401)
            #expect(try wrongKey.error()["code"] as? String == "invalid_api_key")
            let missing = try await Self.chat(llm, ["model": "gpt-4o-mini"])
            #expect(missing.status == 400)
            #expect(try missing.error()["code"] as? String == "missing_required_parameter")
            #expect(try missing.error()["param"] as? String == "messages")
            var jsonObject = body
            jsonObject["response_format"] = ["type": "json_object"]
            let noJSONWord = try await Self.chat(llm, jsonObject)
            #expect(noJSONWord.status == 400)
            #expect(try noJSONWord.errorMessage()?.contains("must contain the word 'json'") == true)
            llm.inject(.status(429, type: "rate_limit_error", retryAfter: 2))
            let limited = try await Self.chat(llm, body)
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "retry-after") == "2")
            #expect(try limited.error()["code"] as? String == "rate_limit_exceeded")
            llm.inject(.refusal)
            let refusal = try await Self.chat(llm, body)
            let refused = try #require((try refusal.object()["choices"] as? [[String: Any]])?.first)
            let message = try #require(refused["message"] as? [String: Any])
            #expect(message["content"] is NSNull)
            #expect(message["refusal"] is String)
        }
    }
}
