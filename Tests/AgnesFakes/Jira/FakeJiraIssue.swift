import Foundation

/// An issue the fake serves: a value built with defaults for everything but its key and creation time.
///
/// ```swift
/// var issue = FakeJiraIssue(key: "SUP-1", summary: "VPN down", created: date, status: "In Progress",
///                           statusCategory: .indeterminate, labels: ["vpn"])
/// issue.customFields[FakeJiraCustomField.severity] = FakeJiraCustomField.option("S2")
/// issue.sla[FakeJiraSLA.timeToResolution] = FakeJiraSLA.ongoing(name: "Time to resolution", start: date, goal: 8 * 3600, elapsed: 3600)
/// jira.put(issue)
/// ```
public struct FakeJiraIssue: Sendable, Hashable {
    public var key: String
    /// Jira's numeric id, as text; by default derived from the key.
    public var id: String
    public var summary: String
    /// `issuetype.name`.
    public var issueType: String
    /// `status.name`.
    public var status: String
    public var statusCategory: FakeJiraStatusCategory
    /// `priority.name`; nil renders `priority: null`.
    public var priority: String?
    /// `resolution.name`; nil renders `resolution: null`.
    public var resolution: String?
    public var resolutionDate: Date?
    public var created: Date
    /// Set by ``FakeJira/put(_:updated:)``: what was given here is replaced.
    public var updated: Date?
    /// `duedate`, a date without time: `2026-01-31`.
    public var dueDate: String?
    public var labels: [String]
    /// By default the part of the key before the dash.
    public var projectKey: String
    public var projectName: String
    public var creator: FakeJiraUser
    public var reporter: FakeJiraUser
    public var assignee: FakeJiraUser?
    /// Atlassian Document Format JSON text; nil renders `description: null`.
    public var description: String?
    public var comments: [FakeJiraComment]
    public var changelog: [FakeJiraChange]
    public var attachments: [FakeJiraAttachment]
    public var links: [FakeJiraLink]
    public var remoteLinks: [FakeJiraRemoteLink]
    /// Field id (`customfield_10004`) → its value as JSON text (see ``FakeJiraCustomField``).
    public var customFields: [String: String]
    /// Jira Service Management SLA fields (`customfield_10328`, `customfield_10161`) → value as JSON text
    /// (see ``FakeJiraSLA``). Only the SLA account sees them.
    public var sla: [String: String]

    public init(
        key: String, id: String? = nil, summary: String = "Cannot log in to the VPN", created: Date,
        issueType: String = "Service Request", status: String = "To Do", statusCategory: FakeJiraStatusCategory = .new,
        priority: String? = "Medium", resolution: String? = nil, resolutionDate: Date? = nil, dueDate: String? = nil,
        labels: [String] = [], projectKey: String? = nil, projectName: String = "Support",
        creator: FakeJiraUser = .reporter, reporter: FakeJiraUser = .reporter, assignee: FakeJiraUser? = .agent,
        description: String? = FakeJiraADF.sampleDescription, comments: [FakeJiraComment] = [],
        changelog: [FakeJiraChange] = [], attachments: [FakeJiraAttachment] = [], links: [FakeJiraLink] = [],
        remoteLinks: [FakeJiraRemoteLink] = [], customFields: [String: String] = [:], sla: [String: String] = [:]
    ) {
        self.key = key
        self.id = id ?? Self.numericID(key)
        self.summary = summary
        self.issueType = issueType
        self.status = status
        self.statusCategory = statusCategory
        self.priority = priority
        self.resolution = resolution
        self.resolutionDate = resolutionDate
        self.created = created
        self.dueDate = dueDate
        self.labels = labels
        self.projectKey = projectKey ?? String(key.split(separator: "-").first ?? Substring(key))
        self.projectName = projectName
        self.creator = creator
        self.reporter = reporter
        self.assignee = assignee
        self.description = description
        self.comments = comments
        self.changelog = changelog
        self.attachments = attachments
        self.links = links
        self.remoteLinks = remoteLinks
        self.customFields = customFields
        self.sla = sla
    }

    /// A stable Jira-looking numeric id (10000…999999) derived from `text`.
    static func numericID(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(10_000 + hash % 990_000)
    }

    /// The number after the dash of the key, for JQL's key order.
    var keyNumber: Int { Int(key.split(separator: "-").last ?? "") ?? 0 }
}
