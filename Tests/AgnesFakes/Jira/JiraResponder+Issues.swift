import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Get issue, remote links and attachments.
extension JiraResponder {
    static let noIssue = "Issue does not exist or you do not have permission to see it."

    func issue(_ keyOrID: String, _ call: JiraCall, _ renderer: JiraRenderer) -> Response {
        guard let issue = store.state.withLock({ $0.issue(keyOrID) }) else {
            return JiraError.response(404, Self.noIssue)
        }
        let selection = JiraFieldSelection(call.values("fields"), fallback: .all)
        let expand = Self.expansions(call.values("expand"))
        return Self.json(renderer.issue(issue, selection: selection, expand: expand))
    }

    /// "Get changelogs" (`GET /issue/{key}/changelog`): every history, oldest first, paged by `startAt` and
    /// `maxResults` (default and most 100): `{self, startAt, maxResults, total, isLast, values}`.
    func changelogPage(_ keyOrID: String, _ call: JiraCall, _ renderer: JiraRenderer) -> Response {
        guard let issue = store.state.withLock({ $0.issue(keyOrID) }) else {
            return JiraError.response(404, Self.noIssue)
        }
        let start = max(0, Int(call.values("startAt").first ?? "") ?? 0)
        let size = min(100, max(1, Int(call.values("maxResults").first ?? "") ?? 100))
        let all = issue.changelog.sorted { $0.created < $1.created }
        let page = all.dropFirst(start).prefix(size)
        return Self.json([
            "startAt": start, "maxResults": size, "total": all.count, "isLast": start + page.count >= all.count,
            "values": page.map(renderer.history),
        ])
    }

    func remoteLinks(_ keyOrID: String, _ renderer: JiraRenderer) -> Response {
        guard let issue = store.state.withLock({ $0.issue(keyOrID) }) else {
            return JiraError.response(404, Self.noIssue)
        }
        return Self.json(issue.remoteLinks.map { renderer.remoteLink($0, of: issue) })
    }

    func attachmentContent(_ id: String, _ call: JiraCall) -> Response {
        guard let attachment = attachment(id) else {
            return JiraError.response(404, "The attachment with id '\(id)' does not exist.")
        }
        if call.query.get("redirect") == "false" { return Self.bytes(attachment) }
        let location =
            store.state.withLock { $0.baseURL } + "/media/file/\(id)?token=\(store.mediaToken(attachment: id))"
        return Response(status: .seeOther, headers: [.location: location])
    }

    func media(id: String, token: String?) -> Response {
        guard let attachment = attachment(id) else { return JiraError.response(404, "Not Found") }
        guard token == store.mediaToken(attachment: id) else {
            return Self.json(["error": "Unauthorized", "message": "Invalid or missing token"], status: .unauthorized)
        }
        return Self.bytes(attachment)
    }

    private func attachment(_ id: String) -> FakeJiraAttachment? {
        store.state.withLock { state in
            state.issues.values.lazy.flatMap(\.attachments).first { $0.id == id }
        }
    }

    static func bytes(_ attachment: FakeJiraAttachment) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: attachment.mimeType,
                .contentDisposition: "attachment; filename=\"\(attachment.filename)\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: attachment.content)))
    }

    /// `expand` values (comma-separated, possibly repeated).
    static func expansions(_ values: [String]) -> Set<String> {
        Set(values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) })
    }
}
