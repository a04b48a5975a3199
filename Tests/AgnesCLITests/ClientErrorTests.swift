import AgnesCLI
import AgnesClient
import Foundation
import NIOHTTP1
import Testing

@Suite struct ClientErrorTests {
    static func response(_ status: Int, _ body: String) -> APIResponse {
        APIResponse(status: status, headers: HTTPHeaders(), body: Data(body.utf8), request: "GET /api/x")
    }

    @Test(arguments: [
        (400, ClientError.Code.badRequest, Int32(2)), (401, .unauthorized, 7), (403, .forbidden, 8),
        (404, .notFound, 8),
        (409, .conflict, 6), (422, .badRequest, 2), (429, .rateLimited, 3), (500, .server, 5), (503, .server, 5),
        (302, .invalidResponse, 5),
    ])
    func statusesMapToCodesAndExitCodes(_ status: Int, _ code: ClientError.Code, _ exit: Int32) {
        let error = ClientError.http(Self.response(status, #"{"detail":"nope"}"#))
        #expect(error.code == code)
        #expect(ExitStatus.code(for: error) == exit)
        #expect(error.message == "nope (HTTP \(status) from GET /api/x)")
    }

    @Test func structuredDetailsAreSummarised() {
        let object = ClientError.http(
            Self.response(400, #"{"detail":{"reason":"remote_scan_too_large","suggestion":"add a WHERE"}}"#))
        #expect(object.message.hasPrefix("remote_scan_too_large — add a WHERE"))
        let validation = ClientError.http(Self.response(422, #"{"detail":[{"loc":["body"],"msg":"field required"}]}"#))
        #expect(validation.message.hasPrefix("field required"))
        let html = ClientError.http(Self.response(502, "<html>bad gateway</html>"))
        #expect(html.message == "HTTP 502 from GET /api/x")
    }

    @Test func localFailuresHaveTheirOwnExitCodes() {
        #expect(ExitStatus.code(for: ClientError(.notConfigured, "x")) == 1)
        #expect(ExitStatus.code(for: ClientError(.unreachable, "x")) == 7)
        #expect(ExitStatus.code(for: ClientError(.usage, "x")) == 2)
        #expect(ExitStatus.code(for: ClientError.io("write", path: "/x", errno: ENOSPC)) == 1)
        #expect(ClientError.io("write", path: "/x", errno: ENOSPC).code == .diskFull)
        #expect(ClientError.io("write", path: "/x", errno: EACCES).code == .io)
    }

    @Test func anUnreachableServerIsReportedWithAHint() async throws {
        let error = await #expect(throws: ClientError.self) {
            try await AgnesAPI.withClient(server: "http://127.0.0.1:9", token: "t") { api in try await api.manifest() }
        }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains("cannot reach the server at http://127.0.0.1:9 (connection refused)") == true)
        #expect(error?.hint?.contains("agnes diagnose") == true)
    }
}

extension ClientErrorTests {
    /// Only our server's shape is read: another body (Hummingbird's default `{"error": …}`) is shown
    /// as it came, never taken for a detail.
    @Test func onlyTheDetailShapeIsADetail() {
        let other = ClientError.http(Self.response(500, #"{"error":{"message":"boom"}}"#))
        #expect(other.detail == nil)
        #expect(other.message == #"{"error":{"message":"boom"}} (HTTP 500 from GET /api/x)"#)
    }
}
