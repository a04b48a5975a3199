import Crypto
import Foundation
import Synchronization

/// The fake's accounts and data, shared by ``FakeJira`` and its responder.
final class JiraStore: Sendable {
    let accounts: JiraAccounts
    let state: Mutex<JiraState>
    /// Signs the media tokens of attachment redirects.
    let mediaKey = SymmetricKey(size: .bits256)

    init(accounts: JiraAccounts) {
        self.accounts = accounts
        state = Mutex(JiraState())
    }

    /// The `token` query parameter the media redirect of attachment `id` carries.
    func mediaToken(attachment id: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(id.utf8), using: mediaKey)
        return code.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}

/// The two accounts the fake accepts, and the cloud id of the SLA account's gateway path.
struct JiraAccounts: Sendable {
    let email: String
    let apiToken: String
    let slaEmail: String
    let slaToken: String
    let cloudID: String

    /// The account whose `Authorization: Basic …` this is, if it is one of the two.
    func account(authorization: String?) -> String? {
        guard let authorization, authorization.hasPrefix("Basic "),
            let data = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces))
        else { return nil }
        switch String(decoding: data, as: UTF8.self) {
        case "\(email):\(apiToken)": return "main"
        case "\(slaEmail):\(slaToken)": return "sla"
        default: return nil
        }
    }
}

struct JiraState {
    struct Injection {
        let failure: FakeJiraFailure
        let pathContains: String
        var remaining: Int
    }

    var baseURL = ""
    var issues: [String: FakeJiraIssue] = [:]
    /// Removed issues as last seen, for `jira:issue_deleted` webhooks.
    var removed: [String: FakeJiraIssue] = [:]
    var lastStamp = Date.distantPast
    var injections: [Injection] = []
    var requests: [FakeJiraRequest] = []

    /// The first live injection for `path`, counted down.
    mutating func takeInjection(path: String) -> FakeJiraFailure? {
        guard let index = injections.firstIndex(where: { $0.remaining > 0 && path.contains($0.pathContains) }) else {
            return nil
        }
        injections[index].remaining -= 1
        let failure = injections[index].failure
        if injections[index].remaining == 0 { injections.remove(at: index) }
        return failure
    }

    /// An `updated` time: now, but always after the previous one so that updates keep their order.
    mutating func stamp(_ wanted: Date?) -> Date {
        if let wanted { return wanted }
        let now = max(Date(), lastStamp.addingTimeInterval(0.001))
        lastStamp = now
        return now
    }

    /// The live issue with this key (any case) or id.
    func issue(_ keyOrID: String) -> FakeJiraIssue? {
        issues[keyOrID.uppercased()] ?? issues.values.first { $0.id == keyOrID }
    }
}
