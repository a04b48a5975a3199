import Foundation
import Hummingbird
import Synchronization

/// Search for issues using JQL enhanced search.
extension JiraResponder {
    struct SearchRequest {
        var jql = ""
        var nextPageToken: String?
        var maxResults = 50
        var fields: [String] = []
        var expand: [String] = []
    }

    func search(_ call: JiraCall, _ renderer: JiraRenderer) -> Response {
        let parameters: SearchRequest
        switch Self.searchRequest(call) {
        case .success(let request): parameters = request
        case .failure(let failure): return JiraError.response(400, failure.message)
        }
        let query: JiraJQL
        do {
            query = try JiraJQL(parameters.jql)
        } catch {
            return JiraError.response(400, error.message)
        }
        var offset = 0
        if let token = parameters.nextPageToken {
            guard let decoded = Self.offset(token: token, jql: parameters.jql) else {
                return JiraError.response(400, "The provided next page token is invalid or expired.")
            }
            offset = decoded
        }
        let selection = JiraFieldSelection(parameters.fields, fallback: .none)
        let limit = max(1, min(parameters.maxResults, selection.isIDOrKeyOnly ? 5_000 : 100))
        let now = Date()
        let matching = store.state.withLock { state in
            state.issues.values.filter { query.matches($0, now: now) }.sorted(by: query.precedes)
        }
        let page = matching.dropFirst(offset).prefix(limit)
        let expand = Self.expansions(parameters.expand)
        var answer: [String: Any] = [
            "issues": page.map { renderer.issue($0, selection: selection.orID, expand: expand) },
            "isLast": offset + page.count >= matching.count,
        ]
        if offset + page.count < matching.count {
            answer["nextPageToken"] = Self.token(offset: offset + page.count, jql: parameters.jql)
        }
        return Self.json(answer)
    }

    static func searchRequest(_ call: JiraCall) -> Result<SearchRequest, JiraJQL.Failure> {
        var request = SearchRequest()
        if call.method == .post {
            guard let object = (try? JSONSerialization.jsonObject(with: call.body)) as? [String: Any] else {
                return .failure(
                    .init(message: "Invalid request payload. Refer to the REST API documentation and try again."))
            }
            request.jql = object["jql"] as? String ?? ""
            request.nextPageToken = object["nextPageToken"] as? String
            if let max = object["maxResults"] as? Int { request.maxResults = max }
            request.fields = object["fields"] as? [String] ?? []
            if let expand = object["expand"] as? String { request.expand = [expand] }
        } else {
            request.jql = call.query.get("jql") ?? ""
            request.nextPageToken = call.query.get("nextPageToken")
            if let text = call.query.get("maxResults") {
                guard let max = Int(text) else { return .failure(.init(message: "maxResults must be a number.")) }
                request.maxResults = max
            }
            request.fields = call.values("fields")
            request.expand = call.values("expand")
        }
        return .success(request)
    }

    /// An opaque token: base64 of `<offset>:<jql>`.
    static func token(offset: Int, jql: String) -> String {
        Data("\(offset):\(jql)".utf8).base64EncodedString()
    }

    static func offset(token: String, jql: String) -> Int? {
        guard let data = Data(base64Encoded: token) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":"), text[text.index(after: colon)...] == jql else { return nil }
        return Int(text[..<colon])
    }
}

extension JiraFieldSelection {
    /// The selection, with `id` standing in when it names nothing (each issue is then `{"id": …}`).
    var orID: JiraFieldSelection {
        base == .none && included.isEmpty ? JiraFieldSelection(["id"], fallback: .none) : self
    }
}
