/// A Jira Cloud user as the fake renders it (`accountId`, `displayName`, `emailAddress`).
public struct FakeJiraUser: Sendable, Hashable {
    public var accountId: String
    public var displayName: String
    /// Nil renders no `emailAddress`, as for a user who hides it.
    public var emailAddress: String?

    public init(accountId: String, displayName: String, emailAddress: String? = nil) {
        self.accountId = accountId
        self.displayName = displayName
        self.emailAddress = emailAddress
    }

    /// The default reporter and creator of a ``FakeJiraIssue``.
    public static let reporter = FakeJiraUser(
        accountId: "557058:0a1b2c3d-1111-4e5f-8a9b-000000000001", displayName: "Rita Reporter",
        emailAddress: "rita@example.com")

    /// The default assignee of a ``FakeJiraIssue`` and author of its changes.
    public static let agent = FakeJiraUser(
        accountId: "557058:0a1b2c3d-2222-4e5f-8a9b-000000000002", displayName: "Arne Agent",
        emailAddress: "arne@example.com")
}

/// The three status categories of Jira (`GET /rest/api/3/statuscategory`).
public enum FakeJiraStatusCategory: String, Sendable, Hashable, CaseIterable {
    /// "To Do" (id 2).
    case new
    /// "In Progress" (id 4).
    case indeterminate
    /// "Done" (id 3).
    case done

    /// The category's display name, as JQL's `statusCategory = "To Do"` uses it.
    public var name: String {
        switch self {
        case .new: "To Do"
        case .indeterminate: "In Progress"
        case .done: "Done"
        }
    }

    var id: Int {
        switch self {
        case .new: 2
        case .indeterminate: 4
        case .done: 3
        }
    }

    var colorName: String {
        switch self {
        case .new: "blue-gray"
        case .indeterminate: "yellow"
        case .done: "green"
        }
    }
}
