import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Testing

@testable import AgnesConnectors

/// The Jira transform without a server: timestamps, ADF, the six tables' rows, and the monthly shards.
struct JiraTransformTests {
    static func json(_ text: String) -> [String: Any] {
        (try! JSONSerialization.jsonObject(with: Data(text.utf8))) as! [String: Any]
    }

    static let user = #"{"accountId":"a1","emailAddress":"ann@example.com","displayName":"Ann Agent"}"#

    static func issue(
        key: String = "SUPPORT-14991", created: String = "2026-03-04T10:15:30.123+0000", extra: String = ""
    )
        -> [String: Any]
    {
        json(
            """
            {"id":"10001","key":"\(key)","_synced_at":"2026-03-05T00:00:00.000+0000",
             "_remote_links":[{"id":7,"application":{"type":"com.acme.wiki","name":"Wiki"},"object":{"url":"https://wiki/x","title":"Runbook"}}],
             "changelog":{"startAt":0,"total":1,"histories":[{"id":"500","author":\(user),"created":"2026-03-04T11:00:00.000+0000",
               "items":[{"field":"status","fieldtype":"jira","from":"1","fromString":"Open","to":"3","toString":"In Progress"},
                        {"field":"assignee","fieldtype":"jira","from":null,"fromString":null,"to":"a1","toString":"Ann Agent"}]}]},
             "fields":{"summary":"Printer on fire","created":"\(created)","updated":"2026-03-04T12:00:00.000+0100",
               "resolutiondate":null,"duedate":"2026-03-31","labels":["hw","urgent"],
               "issuetype":{"name":"Incident"},"priority":{"name":"High"},"resolution":null,
               "status":{"name":"In Progress","statusCategory":{"key":"indeterminate","name":"In Progress"}},
               "project":{"key":"SUPPORT","name":"Support desk"},"creator":\(user),"reporter":\(user),"assignee":null,
               "description":{"type":"doc","version":1,"content":[
                 {"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Symptoms"}]},
                 {"type":"paragraph","content":[{"type":"text","text":"Smoke, see "},{"type":"text","text":"docs","marks":[{"type":"link","attrs":{"href":"https://d/x"}}]},{"type":"text","text":" "},{"type":"mention","attrs":{"id":"a1","text":"@Ann Agent"}}]},
                 {"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]},{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"two"}]}]}]},
                 {"type":"codeBlock","attrs":{"language":"sh"},"content":[{"type":"text","text":"lpstat -t"}]}]},
               "comment":{"total":1,"comments":[{"id":"900","author":\(user),"updateAuthor":\(user),
                 "body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"On it"}]}]},
                 "created":"2026-03-04T10:20:00.000+0000","updated":"2026-03-04T10:21:00.000+0000"}]},
               "attachment":[{"id":"3001","filename":"photo.jpg","size":1234,"mimeType":"image/jpeg","author":\(user),
                 "created":"2026-03-04T10:16:00.000+0000","content":"https://x/rest/api/3/attachment/content/3001","thumbnail":"https://x/t/3001"}],
               "issuelinks":[{"id":"77","type":{"name":"Blocks","inward":"is blocked by","outward":"blocks"},
                 "outwardIssue":{"key":"SUPPORT-2","fields":{"summary":"Toner","status":{"name":"Open"},"priority":{"name":"Low"}}}},
                 {"id":"78","type":{"name":"Relates"},"inwardIssue":{"key":"OPS-9","fields":{"summary":"Racks"}}}],
               "customfield_10010":{"requestType":{"name":"Report a problem"},"currentStatus":{"status":"Waiting for support"}},
               "customfield_10004":{"value":"Sev 2","id":"1"},
               "customfield_10156":[{"displayName":"Bob"},{"displayName":"Cy"}],
               "customfield_10002":[{"id":"1","name":"Acme"}],
               "customfield_10157":{"rating":4},
               "customfield_10365":true,
               "customfield_10328":{"id":"1","name":"Time to first response","completedCycles":[
                  {"breached":true,"goalDuration":{"millis":3600000},"elapsedTime":{"millis":4000000}}]},
               "customfield_10161":{"id":"2","name":"Time to resolution","completedCycles":[{"breached":true,"goalDuration":{"millis":1},"elapsedTime":{"millis":2}}],
                  "ongoingCycle":{"breached":false,"goalDuration":{"millis":14400000},"elapsedTime":{"millis":600000}}},
               "customfield_99999":{"unmapped":"ignored"}\(extra)}}
            """)
    }

    static func column(_ table: JiraTable, _ name: String, _ row: [DuckDBValue]) -> DuckDBValue {
        row[table.columns.firstIndex { $0.name == name }!]
    }

    @Test func jiraTimestampsAreReadExactlyWithTheirOffsets() {
        #expect(JiraTime.microseconds("2026-03-04T10:15:30.123+0000") == 1_772_619_330_123_000)
        #expect(JiraTime.microseconds("2026-03-04T11:15:30.123+0100") == 1_772_619_330_123_000)
        #expect(JiraTime.microseconds("2026-03-04T11:15:30.123+01:00") == 1_772_619_330_123_000)
        #expect(JiraTime.microseconds("2026-03-04T10:15:30Z") == 1_772_619_330_000_000)
        #expect(JiraTime.microseconds("2026-03-04") == nil)
        #expect(JiraTime.microseconds("yesterday") == nil)
        #expect(JiraTime.month(ofMicroseconds: 1_772_619_330_123_000) == "2026-03")
        #expect(JiraTime.month(ofMicroseconds: -1) == "1969-12")
        let now = Date(timeIntervalSince1970: 1_772_619_330.123)
        #expect(JiraTime.microseconds(JiraTime.text(now)) == 1_772_619_330_123_000)
    }

    @Test func adfBecomesReadableText() {
        let issue = Self.issue()
        let text = ADFText.render((issue["fields"] as! [String: Any])["description"])
        #expect(text == "## Symptoms\nSmoke, see docs (https://d/x) @Ann Agent\n- one\n- two\n```sh\nlpstat -t\n```")
        #expect(ADFText.render("plain v2 text") == "plain v2 text")
        #expect(ADFText.render(nil) == nil)
        let table = Self.json(
            #"{"type":"doc","content":[{"type":"table","content":[{"type":"tableRow","content":[{"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},{"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}]},{"type":"futureNode","content":[{"type":"text","text":"kept"}]}]}"#
        )
        #expect(ADFText.render(table) == "a | b\nkept")
    }

    @Test func anIssueBecomesRowsOfTheSixTables() throws {
        let rows = try JiraIssueRows(
            issue: Self.issue(), rawFile: "issues/SUPPORT-14991.json", siteURL: "https://acme.atlassian.net")
        #expect(rows.month == "2026-03")
        let issue = try #require(rows.rows[.issues]?.first)
        #expect(issue.count == 49)
        func value(_ name: String) -> DuckDBValue { Self.column(.issues, name, issue) }
        #expect(value("issue_url") == .varchar("https://acme.atlassian.net/browse/SUPPORT-14991"))
        #expect(value("status_category") == .varchar("In Progress"))
        #expect(value("assignee_email") == .null)
        #expect(value("labels") == .varchar("hw, urgent"))
        #expect(value("request_type") == .varchar("Report a problem"))
        #expect(value("request_status") == .varchar("Waiting for support"))
        #expect(value("severity") == .varchar("Sev 2"))
        #expect(value("participants") == .varchar("Bob, Cy"))
        #expect(value("organizations") == .varchar("Acme"))
        #expect(value("spam") == .varchar("true"))
        #expect(value("satisfaction") == .bigint(4))
        #expect(value("triage") == .null)
        // SLA: the completed cycle when nothing runs; the ongoing one when it does.
        #expect(value("first_response_breached") == .varchar("true"))
        #expect(value("first_response_elapsed_millis") == .bigint(4_000_000))
        #expect(value("time_to_resolution_breached") == .varchar("false"))
        #expect(value("time_to_resolution_goal_millis") == .bigint(14_400_000))
        #expect(value("updated_at") == .timestampTZ(DuckDBTimestamp(1_772_622_000_000_000)))
        #expect(value("resolved_at") == .null)
        #expect(value("comment_count") == .bigint(1))
        #expect(value("_raw_file") == .varchar("issues/SUPPORT-14991.json"))
        let attachment = try #require(rows.rows[.attachments]?.first)
        #expect(Self.column(.attachments, "hierarchical_path", attachment) == .varchar("14/991/3001_photo.jpg"))
        #expect(Self.column(.attachments, "local_path", attachment) == .varchar("attachments/14/991/3001_photo.jpg"))
        #expect(rows.rows[.comments]?.first.map { Self.column(.comments, "body", $0) } == .varchar("On it"))
        let changes = try #require(rows.rows[.changelog])
        #expect(changes.count == 2)
        #expect(Self.column(.changelog, "to_value", changes[0]) == .varchar("In Progress"))
        let links = try #require(rows.rows[.issuelinks])
        #expect(links.map { Self.column(.issuelinks, "direction", $0) } == [.varchar("outward"), .varchar("inward")])
        #expect(
            links.map { Self.column(.issuelinks, "linked_issue_key", $0) } == [
                .varchar("SUPPORT-2"), .varchar("OPS-9"),
            ])
        let remote = try #require(rows.rows[.remoteLinks]?.first)
        #expect(Self.column(.remoteLinks, "application_name", remote) == .varchar("Wiki"))
        for table in JiraTable.allCases {
            for row in rows.rows[table] ?? [] { #expect(row.count == table.columns.count) }
        }
    }

    @Test func slaFieldsWithAnErrorAndMissingCustomFieldsGiveNulls() throws {
        var issue = Self.issue()
        var fields = issue["fields"] as! [String: Any]
        fields["customfield_10161"] = ["errorMessage": "SLA not available"]
        for name in ["customfield_10010", "customfield_10156", "customfield_10157", "comment", "attachment"] {
            fields[name] = nil
        }
        fields["created"] = nil
        issue["fields"] = fields
        let now = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09
        let rows = try JiraIssueRows(issue: issue, rawFile: "issues/X-1.json", siteURL: "https://s", now: now)
        let row = try #require(rows.rows[.issues]?.first)
        #expect(rows.month == "2026-09")
        #expect(Self.column(.issues, "time_to_resolution_breached", row) == .null)
        #expect(Self.column(.issues, "request_type", row) == .null)
        #expect(Self.column(.issues, "satisfaction", row) == .null)
        #expect(Self.column(.issues, "comment_count", row) == .bigint(0))
        #expect(rows.rows[.comments]?.isEmpty == true)
        #expect(throws: JiraError.self) { try JiraIssueRows(issue: ["fields": [:]], rawFile: "x", siteURL: "s") }
    }

    @Test func shardsUpsertByKeyPerMonthAndDeletionsRemoveEveryRow() throws {
        let directory = try temporaryDirectory("jira-shards")
        defer { try? FileManager.default.removeItem(at: directory) }
        let shards = JiraShards(sourceDirectory: directory)
        var index: [String: String] = [:]
        let march = try JiraIssueRows(issue: Self.issue(key: "SUP-1"), rawFile: "a", siteURL: "s")
        let april = try JiraIssueRows(
            issue: Self.issue(key: "SUP-2", created: "2026-04-01T00:00:00.000+0000"), rawFile: "b", siteURL: "s")
        _ = try shards.apply(updates: [march, april], deletions: [], index: &index)
        #expect(index == ["SUP-1": "2026-03", "SUP-2": "2026-04"])
        #expect(shards.shards(of: .issues).map(\.lastPathComponent) == ["2026-03.parquet", "2026-04.parquet"])
        // Updating SUP-1 twice leaves one row; the other month is not touched.
        let aprilFile = shards.shard(.issues, month: "2026-04")
        let before = try FileManager.default.attributesOfItem(atPath: aprilFile.path)[.modificationDate] as? Date
        _ = try shards.apply(updates: [march], deletions: [], index: &index)
        #expect(try FileManager.default.attributesOfItem(atPath: aprilFile.path)[.modificationDate] as? Date == before)
        var tables = try shards.publish()
        #expect(tables.first { $0.name.rawValue == "issues" }?.rows == 2)
        #expect(tables.first { $0.name.rawValue == "changelog" }?.rows == 4)
        let connection = try Database(path: ":memory:").connect()
        let issuesFile = try #require(tables.first { $0.name.rawValue == "issues" }?.file?.readPath)
        let types = try connection.query(
            "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('\(issuesFile)')) WHERE column_name IN ('created_at', 'satisfaction', 'summary') ORDER BY 1"
        ).rows.map { $0.compactMap(\.string) }
        #expect(
            types == [
                ["created_at", "TIMESTAMP WITH TIME ZONE"], ["satisfaction", "BIGINT"], ["summary", "VARCHAR"],
            ])
        // Deleting SUP-2 removes its month entirely; the index forgets it.
        #expect(
            try shards.apply(updates: [], deletions: ["SUP-404"], index: &index) == false, "never stored: no change")
        #expect(try shards.apply(updates: [], deletions: ["SUP-2"], index: &index))
        #expect(index == ["SUP-1": "2026-03"])
        for table in JiraTable.allCases {
            #expect(!shards.shards(of: table).contains { $0.lastPathComponent == "2026-04.parquet" })
        }
        tables = try shards.publish()
        #expect(tables.map(\.rows) == [1, 1, 1, 2, 2, 1])
        #expect(try shards.loadIndex() == ["SUP-1": "2026-03"])
        // The extract lists the six tables.
        #expect(PreviousExtract.read(directory.appendingPathComponent("extract.duckdb")).count == 6)
    }

    @Test func settingsComeFromTheEnvironmentElseTheJiraSection() {
        let layout = DataLayout(root: URL(fileURLWithPath: "/data"))
        let section = [
            "domain": "acme.atlassian.net", "email": "bot@acme.com", "api_token": "from-yaml", "webhook_secret": "",
            "sla_email": "", "cloud_id": "c-1",
        ]
        let settings = JiraSettings.from(
            environment: ["JIRA_API_TOKEN": "from-env", "JIRA_WEBHOOK_SECRET": "s"], section: section, layout: layout)
        #expect(settings.service?.account.apiToken == "from-env" && settings.service?.account.email == "bot@acme.com")
        #expect(settings.service?.account.baseURL == "https://acme.atlassian.net" && settings.webhookSecret == "s")
        #expect(settings.service?.slaAccount == nil, "an empty sla_email is not an account")
        #expect(settings.rawDirectory.path == "/data/extracts/jira/raw")
        let sla = JiraSettings.from(
            environment: ["JIRA_SLA_EMAIL": "sla@acme.com", "JIRA_SLA_API_TOKEN": "t", "JIRA_DATA_DIR": "/raw"],
            section: section, layout: layout)
        #expect(sla.service?.slaAccount?.baseURL == "https://api.atlassian.com/ex/jira/c-1")
        #expect(sla.rawDirectory.path == "/raw")
        #expect(JiraSettings.from(environment: [:], layout: layout).service == nil)
    }
}
