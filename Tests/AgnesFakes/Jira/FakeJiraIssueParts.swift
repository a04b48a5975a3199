import Foundation

/// A comment of a ``FakeJiraIssue``.
public struct FakeJiraComment: Sendable, Hashable {
    public var id: String
    public var author: FakeJiraUser
    /// The body as Atlassian Document Format JSON text (see ``FakeJiraADF``).
    public var body: String
    public var created: Date
    /// Nil means the comment was never edited: `updated` equals `created`.
    public var updated: Date?
    /// Nil means the author.
    public var updateAuthor: FakeJiraUser?
    /// Jira Service Management: whether the customer sees it (`jsdPublic`).
    public var isPublic: Bool

    public init(
        id: String, author: FakeJiraUser = .agent, body: String = FakeJiraADF.paragraph("Looking into it."),
        created: Date, updated: Date? = nil, updateAuthor: FakeJiraUser? = nil, isPublic: Bool = true
    ) {
        self.id = id
        self.author = author
        self.body = body
        self.created = created
        self.updated = updated
        self.updateAuthor = updateAuthor
        self.isPublic = isPublic
    }
}

/// One field change of a ``FakeJiraChange`` (a changelog `items` entry).
public struct FakeJiraChangeItem: Sendable, Hashable {
    public var field: String
    /// `jira` for system fields, `custom` for custom fields.
    public var fieldtype: String
    public var from: String?
    public var fromString: String?
    public var to: String?
    public var toString: String?

    public init(
        field: String, fieldtype: String = "jira", from: String? = nil, fromString: String? = nil, to: String? = nil,
        toString: String? = nil
    ) {
        self.field = field
        self.fieldtype = fieldtype
        self.from = from
        self.fromString = fromString
        self.to = to
        self.toString = toString
    }
}

/// A changelog history of a ``FakeJiraIssue``: who changed which fields when.
public struct FakeJiraChange: Sendable, Hashable {
    public var id: String
    public var author: FakeJiraUser
    public var created: Date
    public var items: [FakeJiraChangeItem]

    public init(id: String, author: FakeJiraUser = .agent, created: Date, items: [FakeJiraChangeItem]) {
        self.id = id
        self.author = author
        self.created = created
        self.items = items
    }
}

/// An attachment of a ``FakeJiraIssue``; its bytes are served behind
/// `GET /rest/api/3/attachment/content/{id}`.
public struct FakeJiraAttachment: Sendable, Hashable {
    public var id: String
    public var filename: String
    public var mimeType: String
    public var content: Data
    public var author: FakeJiraUser
    public var created: Date

    public init(
        id: String, filename: String, mimeType: String = "text/plain", content: Data, author: FakeJiraUser = .reporter,
        created: Date
    ) {
        self.id = id
        self.filename = filename
        self.mimeType = mimeType
        self.content = content
        self.author = author
        self.created = created
    }
}

/// An issue link of a ``FakeJiraIssue`` to another issue (`fields.issuelinks`).
public struct FakeJiraLink: Sendable, Hashable {
    /// Which side the other issue is on: `.outward` renders `outwardIssue` (this issue "blocks" it),
    /// `.inward` renders `inwardIssue` (this issue "is blocked by" it).
    public enum Direction: Sendable, Hashable {
        case inward, outward
    }

    public var id: String
    /// The link type's name, e.g. `Blocks`, `Relates`, `Duplicate`, `Cloners`.
    public var typeName: String
    public var inward: String
    public var outward: String
    public var direction: Direction
    public var otherKey: String
    public var otherSummary: String
    public var otherStatus: String
    public var otherPriority: String

    public init(
        id: String, typeName: String = "Blocks", inward: String = "is blocked by", outward: String = "blocks",
        direction: Direction = .outward, otherKey: String, otherSummary: String = "Linked issue",
        otherStatus: String = "To Do", otherPriority: String = "Medium"
    ) {
        self.id = id
        self.typeName = typeName
        self.inward = inward
        self.outward = outward
        self.direction = direction
        self.otherKey = otherKey
        self.otherSummary = otherSummary
        self.otherStatus = otherStatus
        self.otherPriority = otherPriority
    }

    /// Jira's ids of its default link types; others get one derived from the name.
    var typeID: String {
        switch typeName {
        case "Blocks": "10000"
        case "Cloners": "10001"
        case "Duplicate": "10002"
        case "Relates": "10003"
        default: FakeJiraIssue.numericID(typeName)
        }
    }
}

/// A remote link of a ``FakeJiraIssue`` (`GET /rest/api/3/issue/{key}/remotelink`).
public struct FakeJiraRemoteLink: Sendable, Hashable {
    public var id: Int
    public var url: String
    public var title: String
    public var summary: String?
    /// `application.type`, e.g. `com.atlassian.confluence`; nil leaves `application` empty.
    public var applicationType: String?
    /// `application.name`, e.g. `Confluence`.
    public var applicationName: String?
    /// Nil leaves `relationship` out (Jira shows "links to").
    public var relationship: String?
    /// Nil renders `system=<url>&id=<id>`.
    public var globalID: String?

    public init(
        id: Int, url: String, title: String, summary: String? = nil, applicationType: String? = nil,
        applicationName: String? = nil, relationship: String? = nil, globalID: String? = nil
    ) {
        self.id = id
        self.url = url
        self.title = title
        self.summary = summary
        self.applicationType = applicationType
        self.applicationName = applicationName
        self.relationship = relationship
        self.globalID = globalID
    }
}
