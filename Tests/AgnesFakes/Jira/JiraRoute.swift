import Foundation

/// What a request path asks for.
enum JiraRoute: Equatable {
    /// A REST call: `account` is the one the path belongs to (`main` on `/rest/api/3/…`, `sla` on
    /// `/ex/jira/{cloudID}/rest/api/3/…`), `base` the root its links go under, `segments` what follows
    /// `/rest/api/3/`, percent-decoded.
    case api(account: String, base: String, segments: [String])
    /// `/media/file/{id}`: attachment bytes behind the redirect.
    case media(id: String)
    /// `/ex/jira/{other cloud id}/…`
    case unknownCloud
    case notFound

    init(path: String, baseURL: String, cloudID: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            .map { String($0).removingPercentEncoding ?? String($0) }
        if segments.count == 3, segments[0] == "media", segments[1] == "file" {
            self = .media(id: segments[2])
            return
        }
        var rest = ArraySlice(segments)
        var account = "main"
        var base = baseURL
        if rest.starts(with: ["ex", "jira"]) {
            guard rest.count > 2, rest[rest.startIndex + 2] == cloudID else {
                self = .unknownCloud
                return
            }
            account = "sla"
            base = baseURL + "/ex/jira/" + cloudID
            rest = rest.dropFirst(3)
        }
        guard rest.starts(with: ["rest", "api", "3"]) else {
            self = .notFound
            return
        }
        self = .api(account: account, base: base, segments: Array(rest.dropFirst(3)))
    }
}
