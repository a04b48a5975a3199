import Foundation

/// Values (JSON text) and ids of the custom fields a Jira Service Management site carries.
public enum FakeJiraCustomField {
    public static let participants = "customfield_10156"
    public static let organizations = "customfield_10002"
    public static let requestType = "customfield_10010"
    public static let severity = "customfield_10004"
    public static let spam = "customfield_10365"
    public static let satisfaction = "customfield_10157"
    public static let triage = "customfield_10323"
    public static let context = "customfield_10330"
    public static let customURL = "customfield_10325"
    public static let slackLink = "customfield_10350"
    public static let emailAddress = "customfield_10475"
    public static let configurationItem = "customfield_10511"
    public static let technicalIssueCategory = "customfield_10676"
    public static let l3Team = "customfield_11831"

    /// A multi-user field (request participants).
    public static func users(_ users: [FakeJiraUser]) -> String {
        FakeJiraSLA.text(users.map { JiraRenderer.userObject($0, base: "https://fake.atlassian.net", apiVersion: 3) })
    }

    /// JSM organizations: `[{"id","name","_links"}]`.
    public static func organizations(_ organizations: [(id: Int, name: String)]) -> String {
        FakeJiraSLA.text(
            organizations.map { organization -> [String: Any] in
                [
                    "id": String(organization.id), "name": organization.name,
                    "_links": [
                        "self": "https://fake.atlassian.net/rest/servicedeskapi/organization/\(organization.id)"
                    ],
                ]
            })
    }

    /// The customer request type field: `{"requestType":{"name",…},"currentStatus":{"status",…}}`.
    public static func requestType(name: String, status: String, statusCategory: FakeJiraStatusCategory = .new)
        -> String
    {
        FakeJiraSLA.text([
            "_links": ["web": "https://fake.atlassian.net/servicedesk/customer/portal/1/SUP-1"],
            "requestType": [
                "id": FakeJiraIssue.numericID(name), "name": name, "description": "", "serviceDeskId": "1",
                "portalId": "1", "groupIds": ["1"],
            ],
            "currentStatus": [
                "status": status, "statusCategory": statusCategory.rawValue.uppercased(),
                "statusDate": ["iso8601": "2026-01-01T00:00:00+0000", "epochMillis": 1_767_225_600_000],
            ],
        ])
    }

    /// A single-select option: `{"self","value","id"}`.
    public static func option(_ value: String) -> String {
        let id = FakeJiraIssue.numericID(value)
        return FakeJiraSLA.text([
            "self": "https://fake.atlassian.net/rest/api/3/customFieldOption/\(id)", "value": value, "id": id,
        ])
    }

    /// A multi-select field.
    public static func options(_ values: [String]) -> String {
        "[" + values.map(option).joined(separator: ",") + "]"
    }

    /// Customer satisfaction: `{"rating": n}`.
    public static func satisfaction(rating: Int) -> String { "{\"rating\":\(rating)}" }

    /// A text, URL or e-mail field.
    public static func string(_ text: String) -> String { String(FakeJiraSLA.text([text]).dropFirst().dropLast()) }
}
