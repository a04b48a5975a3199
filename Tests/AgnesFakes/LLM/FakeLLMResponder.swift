import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Serves every request of ``FakeLLM`` (see the header of FakeLLM.swift): records it, applies injected
/// failures, and hands it to ``MessagesAPI`` or ``ChatCompletionsAPI``.
struct FakeLLMResponder: RouterMiddleware {
    typealias Context = BasicRequestContext

    static let recordedHeaders = ["x-api-key", "authorization", "anthropic-version", "anthropic-beta", "content-type"]

    let store: FakeLLMStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var request = request
        let isChat: Bool
        switch request.uri.path {
        case "/v1/messages": isChat = false
        case "/v1/chat/completions": isChat = true
        default: return MessagesAPI.render(LLMError(status: 404, type: "not_found_error", message: "Not Found"))
        }
        guard request.method == .post else {
            let error = LLMError(status: 405, type: "invalid_request_error", message: "Method Not Allowed")
            return isChat ? ChatCompletionsAPI.render(error) : MessagesAPI.render(error)
        }
        let body = try await request.collectBody(upTo: 32 << 20)
        let text = String(buffer: body)
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
        var headers: [String: String] = [:]
        for name in Self.recordedHeaders {
            if let field = HTTPField.Name(name), let value = request.headers[field] { headers[name] = value }
        }
        let prompt = isChat ? LLMPrompt.chat(json) : LLMPrompt.messages(json)
        let requestID = "req_" + Self.randomID()
        let recorded = FakeLLMRequest(
            api: isChat ? "chat" : "messages", model: prompt.model, maxTokens: prompt.maxTokens, system: prompt.system,
            user: prompt.user, body: text, hasStructuredOutput: prompt.hasStructuredOutput, schema: prompt.schema,
            temperature: prompt.temperature, headers: headers, requestID: requestID)
        let (failure, apiKey) = store.state.withLock { state in
            state.requests.append(recorded)
            return (state.takeInjection(), state.apiKey)
        }
        switch failure {
        case .status(let status, let type, let retryAfter)?:
            let error = LLMError.injected(status: status, type: type, retryAfter: retryAfter)
            return isChat
                ? ChatCompletionsAPI.render(error, requestID: requestID)
                : MessagesAPI.render(error, requestID: requestID)
        case .malformedBody?:
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "<html><body>502 Bad Gateway</body></html>")))
        case .slow(let milliseconds)?:
            try? await Task.sleep(for: .milliseconds(milliseconds))
        default:
            break
        }
        let call = LLMCall(
            json: json, headers: headers, prompt: prompt, apiKey: apiKey, failure: failure, requestID: requestID)
        let response = isChat ? ChatCompletionsAPI(store: store).respond(call) : MessagesAPI(store: store).respond(call)
        return failure == .truncatedBody ? Self.cutShort(response) : response
    }

    /// The response with a body writer that stops after half the announced length and fails, which makes
    /// the server close the connection mid-body.
    static func cutShort(_ response: Response) -> Response {
        var response = response
        let length = response.body.contentLength ?? 0
        let body = response.body
        response.body = ResponseBody(contentLength: length) { writer in
            try await body.write(TruncatingBodyWriter(parent: writer, limit: length / 2))
        }
        return response
    }

    /// 24 random letters and digits, as in the real ids (`msg_01…`, `req_01…`).
    static func randomID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return "01" + String((0..<22).map { _ in alphabet.randomElement()! })
    }
}

/// What an API needs of a request.
struct LLMCall {
    let json: [String: Any]?
    /// The recorded headers, by lower-cased name.
    let headers: [String: String]
    let prompt: LLMPrompt
    let apiKey: String
    let failure: FakeLLMFailure?
    let requestID: String
}
