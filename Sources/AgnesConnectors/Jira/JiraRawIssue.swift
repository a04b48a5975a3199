import Foundation

/// The raw file's content.
enum JiraRawIssue {
    /// Jira's issue answer with `_remote_links`, the SLA account's SLA fields and `_synced_at` added.
    static func merge(issue: Data, remoteLinks: Data?, sla: Data?, now: Date) throws -> Data {
        guard var object = try JSONSerialization.jsonObject(with: issue) as? [String: Any] else {
            throw JiraError(.badResponse, "Jira's issue answer is not a JSON object")
        }
        if let remoteLinks, let links = try? JSONSerialization.jsonObject(with: remoteLinks) as? [Any] {
            object["_remote_links"] = links
        }
        if let sla, let slaIssue = try? JSONSerialization.jsonObject(with: sla) as? [String: Any],
            let slaFields = slaIssue["fields"] as? [String: Any]
        {
            var fields = object["fields"] as? [String: Any] ?? [:]
            for name in JiraFields.slaFields { if let value = slaFields[name] { fields[name] = value } }
            object["fields"] = fields
        }
        object["_synced_at"] = JiraTime.text(now)
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The issue a webhook event embeds, as a raw file (`_source: webhook`), when it has fields.
    static func embedded(in eventFile: URL, now: Date) -> Data? {
        guard let data = try? Data(contentsOf: eventFile),
            let event = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            var issue = event["issue"] as? [String: Any], let fields = issue["fields"] as? [String: Any],
            !fields.isEmpty
        else { return nil }
        issue["_synced_at"] = JiraTime.text(now)
        issue["_source"] = "webhook"
        return try? JSONSerialization.data(withJSONObject: issue, options: [.sortedKeys])
    }

    /// Marks the raw file of a deleted issue with `_deleted_at` and removes its attachment files.
    static func markDeleted(_ raw: URL, key: String, at date: Date) {
        guard var issue = JiraRawFiles.readIssue(raw, key: key) else { return }
        let fields = issue["fields"] as? [String: Any] ?? [:]
        for attachment in JiraIssueRows.objects(fields["attachment"]) {
            guard let id = JiraIssueRows.string(attachment["id"]) else { continue }
            let path = JiraAttachmentPath(
                key: key, attachmentID: id, filename: JiraIssueRows.string(attachment["filename"]) ?? id)
            try? FileManager.default.removeItem(at: raw.appendingPathComponent(path.localPath))
        }
        issue["_deleted_at"] = JiraTime.text(date)
        if let data = try? JSONSerialization.data(withJSONObject: issue, options: [.sortedKeys]) {
            try? JiraRawFiles.writeAtomically(data, to: JiraRawFiles.issueFile(raw, key: key))
        }
    }
}
