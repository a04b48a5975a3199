import Foundation
import Synchronization

extension FakeJira {
    /// A webhook body exactly as Jira Cloud sends it, for this issue's current state (or, once removed, its
    /// last state): `jira:issue_created`, `jira:issue_updated` (with the latest changelog history, or the
    /// comment `commentID` as `issue_commented`), `jira:issue_deleted`, `comment_created`,
    /// `comment_updated`, `comment_deleted` (the comment `commentID`, else the latest), `attachment_created`,
    /// `attachment_deleted` (the attachment `attachmentID`, else the latest), `issuelink_created`,
    /// `issuelink_deleted` (the link `linkID`, else the first).
    ///
    /// ```swift
    /// let body = jira.webhookBody(event: "comment_created", key: "SUP-1", commentID: "10001")
    /// request.headers.add(name: "X-Hub-Signature", value: FakeJira.signature(of: body, secret: secret))
    /// ```
    public func webhookBody(
        event: String, key: String, commentID: String? = nil, attachmentID: String? = nil, linkID: String? = nil
    ) -> Data {
        let (found, base) = store.state.withLock { state in
            (state.issues[key.uppercased()] ?? state.removed[key.uppercased()], state.baseURL)
        }
        guard let issue = found else { preconditionFailure("webhookBody: no issue \(key) was ever put") }
        let renderer = JiraRenderer(base: base, apiVersion: 2)
        var body: [String: Any] = [
            "timestamp": JiraDate.millis(Date()), "webhookEvent": event,
        ]
        let latestChange = issue.changelog.max { $0.created < $1.created }
        let comment =
            commentID.flatMap { id in issue.comments.first { $0.id == id } }
            ?? issue.comments.max { ($0.updated ?? $0.created) < ($1.updated ?? $1.created) }
        switch event {
        case "jira:issue_created", "jira:issue_updated", "jira:issue_deleted":
            body["issue"] = Self.webhookIssue(issue, renderer, fields: renderer.allFields(issue))
            switch event {
            case "jira:issue_created":
                body["issue_event_type_name"] = "issue_created"
                body["user"] = renderer.user(issue.creator)
            case "jira:issue_deleted":
                body["issue_event_type_name"] = "issue_deleted"
                body["user"] = renderer.user(latestChange?.author ?? issue.reporter)
            default:
                if commentID != nil, let comment {
                    body["issue_event_type_name"] = "issue_commented"
                    body["user"] = renderer.user(comment.author)
                    body["comment"] = renderer.comment(comment, of: issue)
                } else {
                    body["issue_event_type_name"] = Self.eventType(of: latestChange)
                    body["user"] = renderer.user(latestChange?.author ?? issue.reporter)
                    if let latestChange {
                        body["changelog"] = [
                            "id": latestChange.id, "items": renderer.history(latestChange)["items"] ?? [],
                        ]
                    }
                }
            }
        case "comment_created", "comment_updated", "comment_deleted":
            guard let comment else { preconditionFailure("webhookBody: \(key) has no comment \(commentID ?? "")") }
            let all = renderer.allFields(issue)
            let fields = all.filter {
                ["summary", "issuetype", "project", "assignee", "priority", "status"].contains($0.key)
            }
            body["comment"] = renderer.comment(comment, of: issue)
            body["issue"] = Self.webhookIssue(issue, renderer, fields: fields)
            body["eventType"] = "primaryAction"
        case "attachment_created", "attachment_deleted":
            let attachment =
                attachmentID.flatMap { id in issue.attachments.first { $0.id == id } }
                ?? issue.attachments.max { $0.created < $1.created }
            guard let attachment else { preconditionFailure("webhookBody: \(key) has no attachment") }
            body["attachment"] = renderer.attachment(attachment)
        case "issuelink_created", "issuelink_deleted":
            let link = linkID.flatMap { id in issue.links.first { $0.id == id } } ?? issue.links.first
            guard let link else { preconditionFailure("webhookBody: \(key) has no issue link") }
            let other = FakeJiraIssue.numericID(link.otherKey)
            body["issueLink"] = [
                "id": Int(link.id) ?? 0, "sourceIssueId": Int(link.direction == .outward ? issue.id : other) ?? 0,
                "destinationIssueId": Int(link.direction == .outward ? other : issue.id) ?? 0,
                "issueLinkType": [
                    "id": Int(link.typeID) ?? 0, "name": link.typeName, "outwardName": link.outward,
                    "inwardName": link.inward, "isSubTaskLinkType": false, "isSystemLinkType": false,
                ],
                "systemLink": false,
            ]
        default:
            body["issue"] = Self.webhookIssue(issue, renderer, fields: renderer.allFields(issue))
            body["user"] = renderer.user(issue.reporter)
        }
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
    }

    static func webhookIssue(_ issue: FakeJiraIssue, _ renderer: JiraRenderer, fields: [String: Any]) -> [String: Any] {
        ["id": issue.id, "self": "\(renderer.api)/issue/\(issue.id)", "key": issue.key, "fields": fields]
    }

    /// The `issue_event_type_name` of `jira:issue_updated` after `change`.
    static func eventType(of change: FakeJiraChange?) -> String {
        let fields = Set(change?.items.map(\.field) ?? [])
        if change?.items.contains(where: { $0.field == "resolution" && $0.to != nil }) == true {
            return "issue_resolved"
        }
        if fields.contains("assignee") { return "issue_assigned" }
        if fields.contains("status") { return "issue_generic" }
        return "issue_updated"
    }
}
