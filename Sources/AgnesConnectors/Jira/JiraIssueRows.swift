import DuckDB
import Foundation

/// One issue's rows in the six tables, read from its raw JSON (Jira's issue answer plus what the
/// connector adds: `_remote_links`, `_synced_at`, the SLA fields, `_deleted_at`).
///
/// Where REFERENCE §5.3 does not say how a field becomes text: option fields give their `value`
/// (else `name`), users their display name, lists are joined with `, `, ADF documents become text
/// (``ADFText``), SLA fields prefer the ongoing cycle, else the last completed one, and a field
/// carrying `errorMessage` gives nulls. A field Jira leaves out is null; fields nobody maps are ignored.
struct JiraIssueRows: Sendable {
    /// The issue key.
    var key: String
    /// `YYYY-MM` of its creation (UTC): the monthly shard it lives in.
    var month: String
    /// Its status category's name (`Done`, …).
    var statusCategory: String?
    /// Rows per table, cells in the table's column order.
    var rows: [JiraTable: [[DuckDBValue]]]

    /// The rows of `issue` (a decoded raw file). `rawFile` is its path relative to the raw directory;
    /// `now` fills the month of an issue without `created`.
    init(issue: [String: Any], rawFile: String, siteURL: String, now: Date = Date()) throws {
        guard let key = issue["key"] as? String else { throw JiraError(.badResponse, "an issue without a key") }
        let fields = issue["fields"] as? [String: Any] ?? [:]
        self.key = key
        let created = Self.timestamp(fields["created"])
        month = JiraTime.month(
            ofMicroseconds: created ?? Int64((now.timeIntervalSince1970 * 1_000_000).rounded(.down)))
        let status = fields["status"] as? [String: Any]
        statusCategory = (status?["statusCategory"] as? [String: Any])?["name"] as? String
        let comments = Self.objects((fields["comment"] as? [String: Any])?["comments"])
        let attachments = Self.objects(fields["attachment"])
        let links = Self.objects(fields["issuelinks"])
        let request = fields[JiraFields.requestType] as? [String: Any]
        let firstResponse = Self.sla(fields[JiraFields.firstResponse])
        let resolution = Self.sla(fields[JiraFields.timeToResolution])
        let commentTotal = ((fields["comment"] as? [String: Any])?["total"] as? NSNumber)?.int64Value
        var issueRow: [DuckDBValue] = [
            .varchar(key), Self.text(issue["id"]), .varchar(siteURL + "/browse/" + key), Self.text(fields["summary"]),
            Self.text(ADFText.render(fields["description"])), Self.text(Self.named(fields["issuetype"])),
            Self.text(status?["name"]), Self.text(statusCategory), Self.text(Self.named(fields["priority"])),
            Self.text(Self.named(fields["resolution"])),
            Self.text((fields["project"] as? [String: Any])?["key"]), Self.text(Self.named(fields["project"])),
        ]
        for person in ["creator", "reporter", "assignee"] {
            let user = fields[person] as? [String: Any]
            issueRow += [Self.text(user?["emailAddress"]), Self.text(user?["displayName"])]
        }
        issueRow += [
            Self.timestampValue(fields["created"]), Self.timestampValue(fields["updated"]),
            Self.timestampValue(fields["resolutiondate"]), Self.text(fields["duedate"]),
            Self.text(Self.display(fields["labels"])),
            .bigint(Int64(attachments.count)), .bigint(commentTotal ?? Int64(comments.count)),
            .bigint(Int64(links.count)),
            Self.text(Self.named(request?["requestType"])),
            Self.text((request?["currentStatus"] as? [String: Any])?["status"]),
            Self.text(Self.display(fields[JiraFields.severity])), Self.text(Self.display(fields[JiraFields.triage])),
            Self.text(Self.display(fields[JiraFields.configurationItem])),
            Self.text(Self.display(fields[JiraFields.participants])),
            Self.text(Self.display(fields[JiraFields.organizations])),
            Self.text(Self.display(fields[JiraFields.spam])), Self.text(Self.display(fields[JiraFields.context])),
            Self.text(Self.display(fields[JiraFields.customURL])),
            Self.text(Self.display(fields[JiraFields.slackLink])),
            Self.text(Self.display(fields[JiraFields.technicalIssueCategory])),
            Self.text(Self.display(fields[JiraFields.emailAddress])),
            Self.integer(Self.satisfaction(fields[JiraFields.satisfaction])),
            Self.text(firstResponse.breached), Self.integer(firstResponse.goal), Self.integer(firstResponse.elapsed),
            Self.text(resolution.breached), Self.integer(resolution.goal), Self.integer(resolution.elapsed),
            Self.text(Self.display(fields[JiraFields.l3Team])),
            Self.timestampValue(issue["_synced_at"]), .varchar(rawFile),
        ]
        var rows: [JiraTable: [[DuckDBValue]]] = [.issues: [issueRow]]
        rows[.comments] = comments.map { comment in
            let author = comment["author"] as? [String: Any]
            return [
                Self.text(comment["id"]), .varchar(key), Self.text(author?["emailAddress"]),
                Self.text(author?["displayName"]), Self.text(ADFText.render(comment["body"])),
                Self.timestampValue(comment["created"]), Self.timestampValue(comment["updated"]),
                Self.text((comment["updateAuthor"] as? [String: Any])?["emailAddress"]),
            ]
        }
        rows[.attachments] = attachments.map { attachment in
            let id = Self.string(attachment["id"]) ?? ""
            let filename = Self.string(attachment["filename"]) ?? id
            let paths = JiraAttachmentPath(key: key, attachmentID: id, filename: filename)
            return [
                .varchar(id), .varchar(key), .varchar(filename), .varchar(paths.localPath),
                .varchar(paths.hierarchicalPath), Self.integer((attachment["size"] as? NSNumber)?.int64Value),
                Self.text(attachment["mimeType"]), Self.text((attachment["author"] as? [String: Any])?["emailAddress"]),
                Self.timestampValue(attachment["created"]), Self.text(attachment["content"]),
                Self.text(attachment["thumbnail"]),
            ]
        }
        var changes: [[DuckDBValue]] = []
        for history in Self.objects((issue["changelog"] as? [String: Any])?["histories"]) {
            let author = history["author"] as? [String: Any]
            for item in Self.objects(history["items"]) {
                changes.append([
                    Self.text(history["id"]), .varchar(key), Self.text(author?["emailAddress"]),
                    Self.text(author?["displayName"]), Self.text(item["field"]), Self.text(item["fieldtype"]),
                    Self.text(item["fromString"] ?? item["from"]), Self.text(item["toString"] ?? item["to"]),
                    Self.timestampValue(history["created"]),
                ])
            }
        }
        rows[.changelog] = changes
        rows[.issuelinks] = links.compactMap { link in
            let outward = link["outwardIssue"] as? [String: Any]
            guard let other = outward ?? link["inwardIssue"] as? [String: Any] else { return nil }
            let otherFields = other["fields"] as? [String: Any]
            return [
                .varchar(key), Self.text(link["id"]), Self.text(Self.named(link["type"])),
                .varchar(outward != nil ? "outward" : "inward"), Self.text(other["key"]),
                Self.text(otherFields?["summary"]), Self.text(Self.named(otherFields?["status"])),
                Self.text(Self.named(otherFields?["priority"])),
            ]
        }
        rows[.remoteLinks] = Self.objects(issue["_remote_links"]).map { link in
            let object = link["object"] as? [String: Any]
            let application = link["application"] as? [String: Any]
            return [
                .varchar(key), Self.text(link["id"]), Self.text(object?["url"]), Self.text(object?["title"]),
                Self.text(application?["name"]), Self.text(application?["type"]),
            ]
        }
        self.rows = rows
    }

    // MARK: - Field readers

    static func objects(_ value: Any?) -> [[String: Any]] {
        (value as? [Any])?.compactMap { $0 as? [String: Any] } ?? []
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    static func text(_ value: Any?) -> DuckDBValue { string(value).map { .varchar($0) } ?? .null }

    static func integer(_ value: Int64?) -> DuckDBValue { value.map { .bigint($0) } ?? .null }

    static func timestamp(_ value: Any?) -> Int64? { (value as? String).flatMap(JiraTime.microseconds) }

    static func timestampValue(_ value: Any?) -> DuckDBValue {
        timestamp(value).map { .timestampTZ(DuckDBTimestamp($0)) } ?? .null
    }

    /// An object's `name` (issue types, statuses, priorities, projects, request types).
    static func named(_ value: Any?) -> String? { (value as? [String: Any])?["name"] as? String }

    /// Any custom field's value as text: options by `value`, users and objects by display name or name,
    /// lists joined with `, `, ADF as text, numbers and booleans as written.
    static func display(_ value: Any?) -> String? {
        switch value {
        case nil, is NSNull: return nil
        case let text as String: return text
        case let number as NSNumber:
            // JSONSerialization's booleans are NSNumbers of ObjC type `c`.
            return String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
        case let list as [Any]:
            let parts = list.compactMap { display($0) }.filter { !$0.isEmpty }
            return parts.isEmpty ? nil : parts.joined(separator: ", ")
        case let object as [String: Any]:
            if object["type"] as? String == "doc" { return ADFText.render(object) }
            for name in ["value", "displayName", "name", "title", "key", "emailAddress", "id"] {
                if let text = string(object[name]) {
                    if let child = object["child"] as? [String: Any], let childText = display(child) {
                        return "\(text) - \(childText)"
                    }
                    return text
                }
            }
            return nil
        default: return nil
        }
    }

    /// Customer satisfaction: `{"rating": 4}` or a bare number.
    static func satisfaction(_ value: Any?) -> Int64? {
        if let number = value as? NSNumber { return number.int64Value }
        return ((value as? [String: Any])?["rating"] as? NSNumber)?.int64Value
    }

    /// An SLA field flattened (REFERENCE §5.3).
    static func sla(_ value: Any?) -> (breached: String?, goal: Int64?, elapsed: Int64?) {
        guard let sla = value as? [String: Any], sla["errorMessage"] == nil else { return (nil, nil, nil) }
        let cycle = (sla["ongoingCycle"] as? [String: Any]) ?? objects(sla["completedCycles"]).last
        guard let cycle else { return (nil, nil, nil) }
        let breached = (cycle["breached"] as? NSNumber).map { $0.boolValue ? "true" : "false" }
        return (
            breached, ((cycle["goalDuration"] as? [String: Any])?["millis"] as? NSNumber)?.int64Value,
            ((cycle["elapsedTime"] as? [String: Any])?["millis"] as? NSNumber)?.int64Value
        )
    }
}

/// Where an attachment's file is kept: its hierarchical path, the issue number split into thousands
/// and the last three digits (`SUPPORT-14991` → `14/991/<id>_<file>`, REFERENCE §5.3; attachment ids
/// are unique across projects), under the raw directory's `attachments/` (`local_path`).
struct JiraAttachmentPath: Sendable, Hashable {
    var localPath: String
    var hierarchicalPath: String

    init(key: String, attachmentID: String, filename: String) {
        let safe = Self.safeName("\(attachmentID)_\(filename)")
        let number = Int(key.split(separator: "-").last ?? "") ?? 0
        hierarchicalPath = "\(number / 1000)/\(String(format: "%03d", number % 1000))/\(safe)"
        localPath = "attachments/" + hierarchicalPath
    }

    /// A file name without path separators, control characters or a leading dot.
    static func safeName(_ name: String) -> String {
        var cleaned = String(
            name.unicodeScalars.map { scalar -> Character in
                scalar == "/" || scalar == "\\" || scalar.value < 0x20 || scalar.value == 0x7F ? "_" : Character(scalar)
            })
        while cleaned.hasPrefix(".") { cleaned = "_" + cleaned.dropFirst() }
        return String(cleaned.prefix(200))
    }
}
