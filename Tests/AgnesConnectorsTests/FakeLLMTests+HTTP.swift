import AgnesFakes
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// HTTP helpers of ``FakeLLMTests``: calls to either API with its headers, and decoded answers.
extension FakeLLMTests {
    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: Data

        func object() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        }

        /// The `error` object of either envelope.
        func error() throws -> [String: Any] {
            try #require(try object()["error"] as? [String: Any])
        }

        func errorType() throws -> String? { try error()["type"] as? String }

        func errorMessage() throws -> String? { try error()["message"] as? String }

        /// The text of the single text block of a Messages API answer.
        func text() throws -> String {
            let blocks = try #require(try object()["content"] as? [[String: Any]])
            #expect(blocks.count == 1)
            #expect(blocks.first?["type"] as? String == "text")
            return try #require(blocks.first?["text"] as? String)
        }
    }

    func withFake(_ body: (FakeLLM) async throws -> Void) async throws {
        let llm = await FakeLLM.start()
        do {
            try await body(llm)
        } catch {
            await llm.stop()
            throw error
        }
        await llm.stop()
    }

    /// A minimal valid Messages API body with one user message.
    static func prompt(_ text: String) -> [String: Any] {
        ["model": "claude-haiku-4-5-20251001", "max_tokens": 1024, "messages": [["role": "user", "content": text]]]
    }

    /// `POST /v1/messages` with the fake's key and `anthropic-version: 2023-06-01`; a nil in `headers`
    /// leaves that header out.
    static func messages(
        _ llm: FakeLLM, _ body: [String: Any], headers: [String: String?] = [:], timeout: TimeAmount = .seconds(10)
    ) async throws -> Reply {
        var all: [String: String?] = [
            "x-api-key": llm.apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json",
        ]
        all.merge(headers) { $1 }
        return try await post(
            llm.baseURL + "/v1/messages", body, headers: all.compactMapValues { $0 }, timeout: timeout)
    }

    /// `POST /v1/chat/completions` with `Authorization: Bearer <bearer>` (none when nil).
    static func chat(_ llm: FakeLLM, _ body: [String: Any], bearer: String? = "") async throws -> Reply {
        var headers = ["content-type": "application/json"]
        if let bearer { headers["authorization"] = "Bearer " + (bearer.isEmpty ? llm.apiKey : bearer) }
        return try await post(llm.baseURL + "/v1/chat/completions", body, headers: headers, timeout: .seconds(10))
    }

    static func post(_ url: String, _ body: [String: Any], headers: [String: String], timeout: TimeAmount)
        async throws -> Reply
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
    }
}
