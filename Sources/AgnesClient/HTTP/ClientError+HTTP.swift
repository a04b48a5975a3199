import AsyncHTTPClient
import Foundation

extension ClientError {
    /// The error for a non-2xx answer: its code from the status, its message from `detail`.
    public static func http(_ response: APIResponse) -> ClientError {
        // `{"detail": …}`: our server's shape (and the original's, FastAPI's).
        let detail = (try? JSONDecoder().decode(ErrorBody.self, from: response.body))?.detail
        let text = detail.map(describe) ?? (response.body.isEmpty ? nil : snippet(response.body))
        let status = response.status
        let (code, hint) = classify(status: status, request: response.request)
        let cause =
            text.map { "\($0) (HTTP \(status) from \(response.request))" } ?? "HTTP \(status) from \(response.request)"
        return ClientError(code, cause, hint: hint, status: status, detail: detail)
    }

    /// The error for a request that got no answer.
    public static func transport(_ error: any Error, server: String, request: String) -> ClientError {
        if let error = error as? ClientError { return error }
        let reason = transportReason(error)
        return ClientError(
            .unreachable, "cannot reach the server at \(server) (\(reason)) during \(request)",
            hint: "is the server running and the URL right? agnes diagnose checks; AGNES_SERVER overrides the URL")
    }

    static func classify(status: Int, request: String) -> (Code, String?) {
        switch status {
        case 400, 422: (.badRequest, nil)
        case 401:
            (
                .unauthorized,
                "the token is missing, invalid, expired or revoked: agnes auth login, or agnes auth import-token"
            )
        case 403: (.forbidden, "ask an Agnes admin for access")
        case 404: (.notFound, nil)
        case 409: (.conflict, nil)
        case 429: (.rateLimited, "wait a minute and try again")
        case 500...599:
            (.server, "the server failed; agnes diagnose shows its health, the server log has the request id")
        default: (.invalidResponse, nil)
        }
    }

    /// One line of a `detail`: a string as is; an object by its `message`, `reason` or `kind`.
    static func describe(_ detail: JSONValue) -> String {
        switch detail {
        case .string(let text): return text
        case .object(let members):
            let main = members["message"]?.string ?? members["reason"]?.string ?? members["kind"]?.string
            // `details` says what exactly: `{"kind": "unknown_column", "details": "orders has no column x"}`.
            let extra = members["hint"]?.string ?? members["suggestion"]?.string ?? members["details"]?.string
            if let main { return extra.map { "\(main) — \($0)" } ?? main }
            return detail.jsonText
        case .array(let items):
            // FastAPI-style validation errors: [{loc, msg, type}].
            let messages = items.compactMap { $0["msg"]?.string }
            return messages.isEmpty ? detail.jsonText : messages.joined(separator: "; ")
        default: return detail.jsonText
        }
    }

    static func snippet(_ body: Data) -> String? {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        return text.isEmpty || text.hasPrefix("<") ? nil : text
    }

    static func transportReason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connection timed out"
            case .readTimeout: return "no data for 60 s"
            case .deadlineExceeded: return "timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            case .cancelled: return "cancelled"
            default: break
            }
        }
        let text = String(describing: error)
        let lowered = text.lowercased()
        if lowered.contains("refused") { return "connection refused" }
        if lowered.contains("reset by peer") { return "connection reset" }
        if lowered.contains("nodename nor servname") || lowered.contains("name or service not known")
            || lowered.contains("resolve")
        {
            return "unknown host"
        }
        if lowered.contains("certificate") || lowered.contains("handshake") { return "TLS failed: \(text)" }
        if lowered.contains("timeout") || lowered.contains("timed out") { return "timed out" }
        if lowered.contains("eof") || lowered.contains("closed") { return "the server closed the connection" }
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }

    private struct ErrorBody: Decodable {
        let detail: JSONValue?
    }
}
