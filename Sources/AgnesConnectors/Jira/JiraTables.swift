import AgnesCore
import AgnesData

/// The six tables the Jira source serves (REFERENCE §5.3), with their explicit schemas: timestamps
/// `TIMESTAMPTZ` (UTC, microseconds), integers `BIGINT`, everything else `VARCHAR`.
public enum JiraTable: String, CaseIterable, Sendable, Hashable {
    case issues, comments, attachments, changelog, issuelinks
    case remoteLinks = "remote_links"

    /// A column's type.
    enum ColumnType: String, Sendable {
        case text = "VARCHAR"
        case integer = "BIGINT"
        case timestamp = "TIMESTAMPTZ"
    }

    /// The registry id, view and file name.
    public var id: Identifier { Identifier(rawValue)! }

    /// What the table holds, for the registry and the catalog.
    public var summary: String {
        switch self {
        case .issues: "Jira issues: one row per issue, with SLA and Service Management fields"
        case .comments: "Jira issue comments, bodies as text"
        case .attachments: "Jira issue attachments (files up to 50 MB are kept on the server)"
        case .changelog: "Jira issue history: one row per changed field"
        case .issuelinks: "Links between Jira issues"
        case .remoteLinks: "Jira issues' links to outside resources"
        }
    }

    /// The columns in order.
    var columns: [(name: String, type: ColumnType)] {
        let t = ColumnType.text
        let i = ColumnType.integer
        let ts = ColumnType.timestamp
        switch self {
        case .issues:
            return [
                ("issue_key", t), ("issue_id", t), ("issue_url", t), ("summary", t), ("description", t),
                ("issue_type", t), ("status", t), ("status_category", t), ("priority", t), ("resolution", t),
                ("project_key", t), ("project_name", t), ("creator_email", t), ("creator_name", t),
                ("reporter_email", t), ("reporter_name", t), ("assignee_email", t), ("assignee_name", t),
                ("created_at", ts), ("updated_at", ts), ("resolved_at", ts), ("due_date", t), ("labels", t),
                ("attachment_count", i), ("comment_count", i), ("issuelink_count", i), ("request_type", t),
                ("request_status", t), ("severity", t), ("triage", t), ("configuration_item", t),
                ("participants", t), ("organizations", t), ("spam", t), ("context", t), ("custom_url", t),
                ("slack_link", t), ("technical_issue_category", t), ("email_address", t), ("satisfaction", i),
                ("first_response_breached", t), ("first_response_goal_millis", i),
                ("first_response_elapsed_millis", i), ("time_to_resolution_breached", t),
                ("time_to_resolution_goal_millis", i), ("time_to_resolution_elapsed_millis", i), ("l3_team", t),
                ("_synced_at", ts), ("_raw_file", t),
            ]
        case .comments:
            return [
                ("comment_id", t), ("issue_key", t), ("author_email", t), ("author_name", t), ("body", t),
                ("created_at", ts), ("updated_at", ts), ("update_author_email", t),
            ]
        case .attachments:
            return [
                ("attachment_id", t), ("issue_key", t), ("filename", t), ("local_path", t), ("hierarchical_path", t),
                ("size_bytes", i), ("mime_type", t), ("author_email", t), ("created_at", ts), ("content_url", t),
                ("thumbnail_url", t),
            ]
        case .changelog:
            return [
                ("change_id", t), ("issue_key", t), ("author_email", t), ("author_name", t), ("field_name", t),
                ("field_type", t), ("from_value", t), ("to_value", t), ("changed_at", ts),
            ]
        case .issuelinks:
            return [
                ("issue_key", t), ("link_id", t), ("link_type", t), ("direction", t), ("linked_issue_key", t),
                ("linked_issue_summary", t), ("linked_issue_status", t), ("linked_issue_priority", t),
            ]
        case .remoteLinks:
            return [
                ("issue_key", t), ("remote_link_id", t), ("url", t), ("title", t), ("application_name", t),
                ("application_type", t),
            ]
        }
    }

    /// `"col" TYPE, …` for a CREATE TABLE.
    var columnDefinitions: String {
        columns.map { "\(SQLText.identifier($0.name)) \($0.type.rawValue)" }.joined(separator: ", ")
    }

    /// `"col", …` in order.
    var columnList: String { columns.map { SQLText.identifier($0.name) }.joined(separator: ", ") }
}

/// Where Jira keeps the fields the tables read (REFERENCE §5.3's custom-field map).
enum JiraFields {
    static let participants = "customfield_10156"
    static let organizations = "customfield_10002"
    static let requestType = "customfield_10010"
    static let severity = "customfield_10004"
    static let spam = "customfield_10365"
    static let satisfaction = "customfield_10157"
    static let triage = "customfield_10323"
    static let context = "customfield_10330"
    static let customURL = "customfield_10325"
    static let slackLink = "customfield_10350"
    static let emailAddress = "customfield_10475"
    static let configurationItem = "customfield_10511"
    static let technicalIssueCategory = "customfield_10676"
    static let firstResponse = "customfield_10328"
    static let timeToResolution = "customfield_10161"
    static let l3Team = "customfield_11831"
    /// The SLA fields the SLA account adds.
    static let slaFields = [firstResponse, timeToResolution]
}
