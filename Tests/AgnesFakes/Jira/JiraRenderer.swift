import Foundation

/// Renders issues as JSON objects: as API v3 gives them (rich text as ADF) or as API v2 and the webhooks
/// give them (rich text as wiki markup).
struct JiraRenderer {
    /// The root links point under: `http://127.0.0.1:<port>` or `…/ex/jira/<cloudID>`.
    let base: String
    let apiVersion: Int
    /// Whether the SLA custom fields are in `fields` (the SLA account only).
    var includesSLA = false

    var api: String { "\(base)/rest/api/\(apiVersion)" }

    static func userObject(_ user: FakeJiraUser, base: String, apiVersion: Int) -> [String: Any] {
        let avatar = "https://avatar-management.example.com/\(user.accountId)"
        var object: [String: Any] = [
            "self": "\(base)/rest/api/\(apiVersion)/user?accountId=\(user.accountId)", "accountId": user.accountId,
            "displayName": user.displayName, "active": true, "timeZone": "Etc/UTC", "accountType": "atlassian",
            "avatarUrls": [
                "48x48": avatar + "/48", "24x24": avatar + "/24", "16x16": avatar + "/16", "32x32": avatar + "/32",
            ],
        ]
        if let email = user.emailAddress { object["emailAddress"] = email }
        return object
    }

    func user(_ user: FakeJiraUser?) -> Any {
        user.map { Self.userObject($0, base: base, apiVersion: apiVersion) } ?? NSNull()
    }

    /// Rich text: the ADF object in v3, wiki markup in v2.
    func richText(_ text: String?) -> Any {
        guard let text else { return NSNull() }
        if apiVersion == 2 { return JiraADFRenderer.wiki(text) }
        return JiraADFRenderer.parse(text) ?? text
    }

    func status(name: String, category: FakeJiraStatusCategory) -> [String: Any] {
        let id = FakeJiraIssue.numericID("status:" + name)
        return [
            "self": "\(api)/status/\(id)", "description": "", "iconUrl": "\(base)/images/icons/statuses/generic.png",
            "name": name, "id": id,
            "statusCategory": [
                "self": "\(api)/statuscategory/\(category.id)", "id": category.id, "key": category.rawValue,
                "colorName": category.colorName, "name": category.name,
            ],
        ]
    }

    func priority(_ name: String?) -> Any {
        guard let name else { return NSNull() }
        let ids = ["Highest": "1", "High": "2", "Medium": "3", "Low": "4", "Lowest": "5"]
        let id = ids[name] ?? FakeJiraIssue.numericID("priority:" + name)
        return [
            "self": "\(api)/priority/\(id)", "iconUrl": "\(base)/images/icons/priorities/\(name.lowercased()).svg",
            "name": name, "id": id,
        ]
    }

    func issueType(_ name: String) -> [String: Any] {
        let id = FakeJiraIssue.numericID("issuetype:" + name)
        return [
            "self": "\(api)/issuetype/\(id)", "id": id, "description": "", "name": name, "subtask": false,
            "iconUrl": "\(base)/rest/api/2/universal_avatar/view/type/issuetype/avatar/10553", "avatarId": 10553,
            "hierarchyLevel": 0,
        ]
    }

    /// Every field of `issue`, by field id.
    func allFields(_ issue: FakeJiraIssue) -> [String: Any] {
        let projectID = FakeJiraIssue.numericID("project:" + issue.projectKey)
        var fields: [String: Any] = [
            "summary": issue.summary, "issuetype": issueType(issue.issueType),
            "status": status(name: issue.status, category: issue.statusCategory), "priority": priority(issue.priority),
            "resolution": issue.resolution.map { name -> [String: Any] in
                let id = FakeJiraIssue.numericID("resolution:" + name)
                return ["self": "\(api)/resolution/\(id)", "id": id, "description": "", "name": name]
            } ?? NSNull(),
            "resolutiondate": issue.resolutionDate.map(JiraDate.format) ?? NSNull(),
            "created": JiraDate.format(issue.created), "updated": JiraDate.format(issue.updated ?? issue.created),
            "duedate": issue.dueDate ?? NSNull(), "labels": issue.labels,
            "project": [
                "self": "\(api)/project/\(projectID)", "id": projectID, "key": issue.projectKey,
                "name": issue.projectName, "projectTypeKey": "service_desk", "simplified": false,
            ],
            "creator": user(issue.creator), "reporter": user(issue.reporter), "assignee": user(issue.assignee),
            "description": richText(issue.description),
            "comment": [
                "comments": issue.comments.map { comment($0, of: issue) }, "self": "\(api)/issue/\(issue.id)/comment",
                "maxResults": issue.comments.count, "total": issue.comments.count, "startAt": 0,
            ],
            "attachment": issue.attachments.map(attachment), "issuelinks": issue.links.map(link),
        ]
        for (field, value) in issue.customFields { fields[field] = Self.json(value) }
        if includesSLA {
            for (field, value) in issue.sla { fields[field] = Self.json(value) }
        }
        return fields
    }

    func comment(_ comment: FakeJiraComment, of issue: FakeJiraIssue) -> [String: Any] {
        [
            "self": "\(api)/issue/\(issue.id)/comment/\(comment.id)", "id": comment.id, "author": user(comment.author),
            "body": richText(comment.body), "updateAuthor": user(comment.updateAuthor ?? comment.author),
            "created": JiraDate.format(comment.created), "updated": JiraDate.format(comment.updated ?? comment.created),
            "jsdPublic": comment.isPublic,
        ]
    }

    func attachment(_ attachment: FakeJiraAttachment) -> [String: Any] {
        var object: [String: Any] = [
            "self": "\(api)/attachment/\(attachment.id)", "id": attachment.id, "filename": attachment.filename,
            "author": user(attachment.author), "created": JiraDate.format(attachment.created),
            "size": attachment.content.count, "mimeType": attachment.mimeType,
            "content": "\(api)/attachment/content/\(attachment.id)",
        ]
        if attachment.mimeType.hasPrefix("image/") {
            object["thumbnail"] = "\(api)/attachment/thumbnail/\(attachment.id)"
        }
        return object
    }

    func link(_ link: FakeJiraLink) -> [String: Any] {
        let otherID = FakeJiraIssue.numericID(link.otherKey)
        let other: [String: Any] = [
            "id": otherID, "key": link.otherKey, "self": "\(api)/issue/\(otherID)",
            "fields": [
                "summary": link.otherSummary, "status": status(name: link.otherStatus, category: .new),
                "priority": priority(link.otherPriority), "issuetype": issueType("Service Request"),
            ],
        ]
        return [
            "id": link.id, "self": "\(api)/issueLink/\(link.id)",
            "type": [
                "id": link.typeID, "name": link.typeName, "inward": link.inward, "outward": link.outward,
                "self": "\(api)/issueLinkType/\(link.typeID)",
            ],
            link.direction == .outward ? "outwardIssue" : "inwardIssue": other,
        ]
    }

    func remoteLink(_ link: FakeJiraRemoteLink, of issue: FakeJiraIssue) -> [String: Any] {
        var application: [String: Any] = [:]
        if let type = link.applicationType { application["type"] = type }
        if let name = link.applicationName { application["name"] = name }
        var object: [String: Any] = [
            "url": link.url, "title": link.title, "icon": [:] as [String: Any],
            "status": ["icon": [:] as [String: Any]],
        ]
        if let summary = link.summary { object["summary"] = summary }
        var result: [String: Any] = [
            "id": link.id, "self": "\(api)/issue/\(issue.key)/remotelink/\(link.id)",
            "globalId": link.globalID ?? "system=\(link.url)&id=\(link.id)", "application": application,
            "object": object,
        ]
        if let relationship = link.relationship { result["relationship"] = relationship }
        return result
    }

    func history(_ change: FakeJiraChange) -> [String: Any] {
        [
            "id": change.id, "author": user(change.author), "created": JiraDate.format(change.created),
            "items": change.items.map { item -> [String: Any] in
                var entry: [String: Any] = [
                    "field": item.field, "fieldtype": item.fieldtype, "from": item.from ?? NSNull(),
                    "fromString": item.fromString ?? NSNull(), "to": item.to ?? NSNull(),
                    "toString": item.toString ?? NSNull(),
                ]
                if item.fieldtype == "jira" { entry["fieldId"] = item.field }
                return entry
            },
        ]
    }

    /// `changelog` of "Get issue": the 100 most recent histories, most recent first.
    func changelog(_ issue: FakeJiraIssue) -> [String: Any] {
        let histories = issue.changelog.sorted { $0.created > $1.created }.prefix(100)
        return [
            "startAt": 0, "maxResults": histories.count, "total": issue.changelog.count,
            "histories": histories.map(history),
        ]
    }

    /// `renderedFields`: rich text as HTML, dates as shown to people; other fields null.
    func renderedFields(_ issue: FakeJiraIssue, selection: JiraFieldSelection) -> [String: Any] {
        var rendered: [String: Any] = [:]
        for field in allFields(issue).keys where selection.includes(field) {
            switch field {
            case "description": rendered[field] = issue.description.map(JiraADFRenderer.html) ?? NSNull()
            case "created": rendered[field] = JiraDate.friendly(issue.created)
            case "updated": rendered[field] = JiraDate.friendly(issue.updated ?? issue.created)
            case "resolutiondate": rendered[field] = issue.resolutionDate.map(JiraDate.friendly) ?? NSNull()
            case "duedate": rendered[field] = issue.dueDate ?? NSNull()
            case "comment":
                rendered[field] = [
                    "comments": issue.comments.map { comment -> [String: Any] in
                        var object = self.comment(comment, of: issue)
                        object["body"] = JiraADFRenderer.html(comment.body)
                        object["created"] = JiraDate.friendly(comment.created)
                        object["updated"] = JiraDate.friendly(comment.updated ?? comment.created)
                        return object
                    }, "maxResults": issue.comments.count, "total": issue.comments.count, "startAt": 0,
                ]
            default: rendered[field] = NSNull()
            }
        }
        return rendered
    }

    /// The issue as "Get issue" and the search answer it.
    func issue(_ issue: FakeJiraIssue, selection: JiraFieldSelection, expand: Set<String>) -> [String: Any] {
        if selection.isIDOnly && expand.isEmpty { return ["id": issue.id] }
        let fields = allFields(issue).filter { selection.includes($0.key) }
        var object: [String: Any] = [
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue.id, "self": "\(api)/issue/\(issue.id)", "key": issue.key, "fields": fields,
        ]
        if expand.contains("renderedFields") { object["renderedFields"] = renderedFields(issue, selection: selection) }
        if expand.contains("changelog") { object["changelog"] = changelog(issue) }
        return object
    }

    /// JSON text as an object (fragments allowed); text that is not JSON stays a string.
    static func json(_ text: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
    }
}
