import AgnesFakes
import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing

/// The fake Jira Cloud checked over real HTTP, the way a client of the real site would use it.
@Suite struct FakeJiraTests {
    /// An issue with every part filled in.
    static func fullIssue() -> FakeJiraIssue {
        var issue = FakeJiraIssue(
            key: "SUP-7", summary: "VPN drops", created: date(), status: "In Progress", statusCategory: .indeterminate,
            priority: "High", dueDate: "2026-01-31", labels: ["vpn", "network"])
        issue.comments = [
            FakeJiraComment(id: "10001", body: FakeJiraADF.paragraph("First answer"), created: date(days: 1)),
            FakeJiraComment(
                id: "10002", author: .reporter, body: FakeJiraADF.paragraph("Still <broken>"), created: date(days: 2),
                updated: date(days: 3)),
        ]
        issue.changelog = [
            FakeJiraChange(
                id: "20001", created: date(days: 1),
                items: [.init(field: "status", from: "1", fromString: "To Do", to: "3", toString: "In Progress")]),
            FakeJiraChange(
                id: "20002", created: date(days: 2),
                items: [.init(field: "priority", from: "3", fromString: "Medium", to: "2", toString: "High")]),
        ]
        issue.attachments = [
            FakeJiraAttachment(
                id: "30001", filename: "trace.log", content: Data("line 1\nline 2\n".utf8), created: date(days: 1))
        ]
        issue.links = [FakeJiraLink(id: "40001", otherKey: "SUP-3", otherSummary: "Router firmware")]
        issue.remoteLinks = [
            FakeJiraRemoteLink(
                id: 50001, url: "https://wiki.example.com/vpn", title: "VPN runbook",
                applicationType: "com.atlassian.confluence", applicationName: "Confluence", relationship: "Wiki Page")
        ]
        issue.customFields[FakeJiraCustomField.severity] = FakeJiraCustomField.option("S2")
        issue.customFields[FakeJiraCustomField.satisfaction] = FakeJiraCustomField.satisfaction(rating: 4)
        issue.sla[FakeJiraSLA.timeToResolution] = FakeJiraSLA.ongoing(
            name: "Time to resolution", start: date(), goal: 8 * 3_600, elapsed: 9 * 3_600)
        issue.sla[FakeJiraSLA.firstResponse] = FakeJiraSLA.completed(
            name: "Time to first response",
            cycles: [.init(start: date(), stop: date().addingTimeInterval(1_800), goal: 3_600)])
        return issue
    }

    @Test func refusesMissingOrWrongCredentials() async throws {
        try await withFake { jira in
            jira.put(FakeJiraIssue(key: "SUP-1", created: Self.date()))
            let refused: [(Account, String?)] = [
                (.none, nil), (.custom("bot@example.com", "wrong"), nil), (.sla, jira.baseURL),
                (.main, jira.slaBaseURL),
            ]
            for (account, root) in refused {
                let reply = try await Self.api(jira, "/rest/api/3/issue/SUP-1", account: account, root: root)
                #expect(reply.status == 401)
                #expect(try reply.errorMessage() == "Client must be authenticated to access this resource.")
            }
            #expect(jira.requests.allSatisfy { $0.account == nil })
            #expect(try await Self.api(jira, "/rest/api/3/issue/SUP-1").status == 200)
            #expect(jira.requests.last?.account == "main")
            let otherCloud = jira.baseURL + "/ex/jira/other-cloud"
            #expect(try await Self.api(jira, "/rest/api/3/issue/SUP-1", account: .sla, root: otherCloud).status == 404)
        }
    }

    @Test func getIssueAnswersEveryFieldWithADFAndExpansions() async throws {
        try await withFake { jira in
            jira.put(Self.fullIssue())
            let reply = try await Self.api(jira, "/rest/api/3/issue/SUP-7?expand=renderedFields,changelog&fields=*all")
            #expect(reply.status == 200)
            let issue = try reply.object()
            #expect(issue["key"] as? String == "SUP-7")
            #expect(issue["self"] as? String == jira.baseURL + "/rest/api/3/issue/\(issue["id"] as? String ?? "")")
            let fields = try #require(issue["fields"] as? [String: Any])
            #expect(fields["summary"] as? String == "VPN drops")
            let status = try #require(fields["status"] as? [String: Any])
            #expect(status["name"] as? String == "In Progress")
            #expect((status["statusCategory"] as? [String: Any])?["key"] as? String == "indeterminate")
            #expect((fields["priority"] as? [String: Any])?["name"] as? String == "High")
            #expect(fields["resolution"] is NSNull)
            #expect(fields["created"] as? String == "2026-03-04T10:15:30.123+0000")
            #expect(fields["duedate"] as? String == "2026-01-31")
            #expect(fields["labels"] as? [String] == ["vpn", "network"])
            #expect((fields["project"] as? [String: Any])?["key"] as? String == "SUP")
            #expect((fields["assignee"] as? [String: Any])?["emailAddress"] as? String == "arne@example.com")
            let description = try #require(fields["description"] as? [String: Any])
            #expect(description["type"] as? String == "doc")
            let blockTypes = Set(
                (description["content"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String })
            #expect(blockTypes.isSuperset(of: ["paragraph", "heading", "bulletList", "codeBlock", "table"]))
            let comment = try #require(fields["comment"] as? [String: Any])
            #expect(comment["total"] as? Int == 2)
            let comments = try #require(comment["comments"] as? [[String: Any]])
            #expect(comments.map { $0["id"] as? String } == ["10001", "10002"])
            #expect((comments[1]["body"] as? [String: Any])?["type"] as? String == "doc")
            #expect(comments[1]["updated"] as? String == "2026-03-07T10:15:30.123+0000")
            let attachment = try #require((fields["attachment"] as? [[String: Any]])?.first)
            #expect(attachment["content"] as? String == jira.baseURL + "/rest/api/3/attachment/content/30001")
            #expect(attachment["size"] as? Int == 14)
            let link = try #require((fields["issuelinks"] as? [[String: Any]])?.first)
            #expect((link["type"] as? [String: Any])?["outward"] as? String == "blocks")
            #expect((link["outwardIssue"] as? [String: Any])?["key"] as? String == "SUP-3")
            #expect((fields["customfield_10004"] as? [String: Any])?["value"] as? String == "S2")
            #expect((fields["customfield_10157"] as? [String: Any])?["rating"] as? Int == 4)
            let rendered = try #require(issue["renderedFields"] as? [String: Any])
            #expect((rendered["description"] as? String)?.contains("<h2>Steps</h2>") == true)
            #expect((rendered["description"] as? String)?.contains("<li><p>Connect to the VPN</p></li>") == true)
            let renderedComments = (rendered["comment"] as? [String: Any])?["comments"] as? [[String: Any]]
            #expect(renderedComments?[1]["body"] as? String == "<p>Still &lt;broken&gt;</p>")
            let changelog = try #require(issue["changelog"] as? [String: Any])
            #expect(changelog["total"] as? Int == 2)
            let histories = try #require(changelog["histories"] as? [[String: Any]])
            #expect(histories.map { $0["id"] as? String } == ["20002", "20001"])
            let item = try #require((histories[1]["items"] as? [[String: Any]])?.first)
            #expect(item["field"] as? String == "status")
            #expect(item["toString"] as? String == "In Progress")
        }
    }

    @Test func fieldsLimitTheAnswerAndUnknownOrRemovedIssuesAre404() async throws {
        try await withFake { jira in
            jira.put(Self.fullIssue())
            let limited = try await Self.api(jira, "/rest/api/3/issue/sup-7?fields=summary,status")
            let fields = try #require(try limited.object()["fields"] as? [String: Any])
            #expect(Set(fields.keys) == ["summary", "status"])
            #expect(try limited.object()["renderedFields"] == nil)
            for path in ["/rest/api/3/issue/NOPE-1", "/rest/api/3/issue/NOPE-1/remotelink"] {
                let missing = try await Self.api(jira, path)
                #expect(missing.status == 404)
                #expect(try missing.errorMessage() == "Issue does not exist or you do not have permission to see it.")
            }
            jira.remove("SUP-7")
            #expect(try await Self.api(jira, "/rest/api/3/issue/SUP-7").status == 404)
            #expect(jira.issue("SUP-7") == nil)
        }
    }

    @Test func remoteLinksAreListed() async throws {
        try await withFake { jira in
            jira.put(Self.fullIssue())
            let links = try await Self.api(jira, "/rest/api/3/issue/SUP-7/remotelink").array()
            #expect(links.count == 1)
            #expect(links[0]["id"] as? Int == 50001)
            #expect(links[0]["relationship"] as? String == "Wiki Page")
            #expect((links[0]["application"] as? [String: Any])?["name"] as? String == "Confluence")
            let object = try #require(links[0]["object"] as? [String: Any])
            #expect(object["url"] as? String == "https://wiki.example.com/vpn")
            #expect(object["title"] as? String == "VPN runbook")
        }
    }

    @Test func attachmentContentRedirectsToTheMediaURLThatServesTheBytes() async throws {
        try await withFake { jira in
            jira.put(Self.fullIssue())
            let authorization = "Basic " + Data("bot@example.com:jira-token".utf8).base64EncodedString()
            let redirect = try await Self.withoutRedirects { client in
                try await Self.call(
                    jira.baseURL + "/rest/api/3/attachment/content/30001", headers: ["Authorization": authorization],
                    client: client)
            }
            #expect(redirect.status == 303)
            let location = try #require(redirect.headers.first(name: "Location"))
            #expect(location.hasPrefix(jira.baseURL + "/media/file/30001?token="))
            let media = try await Self.call(location)
            #expect(media.status == 200)
            #expect(String(decoding: media.body, as: UTF8.self) == "line 1\nline 2\n")
            #expect(try await Self.call(jira.baseURL + "/media/file/30001?token=forged").status == 401)
            let direct = try await Self.api(jira, "/rest/api/3/attachment/content/30001?redirect=false")
            #expect(direct.body == Data("line 1\nline 2\n".utf8))
            #expect(try await Self.api(jira, "/rest/api/3/attachment/content/99999").status == 404)
        }
    }

    @Test func slaFieldsReachOnlyTheSLAAccount() async throws {
        try await withFake { jira in
            jira.put(Self.fullIssue())
            let main = try await Self.api(jira, "/rest/api/3/issue/SUP-7").object()["fields"] as? [String: Any]
            #expect(main?["customfield_10161"] == nil)
            #expect(main?["customfield_10328"] == nil)
            let reply = try await Self.api(jira, "/rest/api/3/issue/SUP-7", account: .sla)
            #expect(reply.status == 200)
            #expect(jira.requests.last?.account == "sla")
            #expect(jira.requests.last?.path == "/ex/jira/cloud-123/rest/api/3/issue/SUP-7")
            let fields = try #require(try reply.object()["fields"] as? [String: Any])
            let resolution = try #require(fields["customfield_10161"] as? [String: Any])
            #expect(resolution["name"] as? String == "Time to resolution")
            let ongoing = try #require(resolution["ongoingCycle"] as? [String: Any])
            #expect(ongoing["breached"] as? Bool == true)
            #expect((ongoing["goalDuration"] as? [String: Any])?["millis"] as? Int == 28_800_000)
            #expect((ongoing["remainingTime"] as? [String: Any])?["friendly"] as? String == "-1h")
            #expect((ongoing["startTime"] as? [String: Any])?["jira"] as? String == "2026-03-04T10:15:30.123+0000")
            let firstResponse = try #require(fields["customfield_10328"] as? [String: Any])
            #expect(firstResponse["ongoingCycle"] == nil)
            let cycle = try #require((firstResponse["completedCycles"] as? [[String: Any]])?.first)
            #expect(cycle["breached"] as? Bool == false)
            #expect((cycle["elapsedTime"] as? [String: Any])?["friendly"] as? String == "30m")
            var broken = Self.fullIssue()
            broken.sla = [FakeJiraSLA.timeToResolution: FakeJiraSLA.error("SLA metric not found")]
            jira.put(broken)
            let error = try await Self.api(jira, "/rest/api/3/issue/SUP-7", account: .sla).object()
            #expect(
                ((error["fields"] as? [String: Any])?["customfield_10161"] as? [String: Any])?["errorMessage"]
                    as? String == "SLA metric not found")
        }
    }

    @Test func injectedRateLimitCarriesRetryAfterThenTheRequestsPass() async throws {
        try await withFake { jira in
            jira.put(FakeJiraIssue(key: "SUP-1", created: Self.date()))
            jira.inject(.status(429, retryAfter: 2), pathContains: "/issue/", times: 2)
            for _ in 0..<2 {
                let limited = try await Self.api(jira, "/rest/api/3/issue/SUP-1")
                #expect(limited.status == 429)
                #expect(limited.headers.first(name: "Retry-After") == "2")
                #expect(try limited.errorMessage() == "Rate limit exceeded.")
            }
            #expect(try await Self.search(jira, ["jql": "project = SUP"]).status == 200)
            #expect(try await Self.api(jira, "/rest/api/3/issue/SUP-1").status == 200)
            #expect(jira.requestCount(pathContains: "/issue/SUP-1") == 3)
        }
    }

    @Test func droppedConnectionFailsTheReadOnce() async throws {
        try await withFake { jira in
            jira.put(Self.fullIssue())
            jira.inject(.dropConnection, pathContains: "/issue/SUP-7")
            await #expect(throws: (any Error).self) { try await Self.api(jira, "/rest/api/3/issue/SUP-7") }
            let retried = try await Self.api(jira, "/rest/api/3/issue/SUP-7")
            #expect(retried.status == 200)
        }
    }

    @Test func webhookBodiesHaveJiraShape() async throws {
        try await withFake { jira in
            jira.put(Self.fullIssue())
            let updated = try #require(
                try JSONSerialization.jsonObject(with: jira.webhookBody(event: "jira:issue_updated", key: "SUP-7"))
                    as? [String: Any])
            #expect(updated["webhookEvent"] as? String == "jira:issue_updated")
            #expect(updated["issue_event_type_name"] as? String == "issue_updated")
            #expect(updated["timestamp"] is Int)
            #expect((updated["user"] as? [String: Any])?["accountId"] as? String == FakeJiraUser.agent.accountId)
            let issue = try #require(updated["issue"] as? [String: Any])
            #expect(issue["key"] as? String == "SUP-7")
            #expect((issue["self"] as? String)?.contains("/rest/api/2/issue/") == true)
            let fields = try #require(issue["fields"] as? [String: Any])
            #expect((fields["description"] as? String)?.contains("h2. Steps") == true)
            #expect(fields["customfield_10161"] == nil)
            let changelog = try #require(updated["changelog"] as? [String: Any])
            #expect(changelog["id"] as? String == "20002")
            #expect((changelog["items"] as? [[String: Any]])?.first?["field"] as? String == "priority")

            let commented = try #require(
                try JSONSerialization.jsonObject(
                    with: jira.webhookBody(event: "comment_created", key: "SUP-7", commentID: "10001"))
                    as? [String: Any])
            #expect((commented["comment"] as? [String: Any])?["id"] as? String == "10001")
            #expect((commented["comment"] as? [String: Any])?["body"] as? String == "First answer")
            let commentIssueFields = (commented["issue"] as? [String: Any])?["fields"] as? [String: Any]
            #expect(
                Set(commentIssueFields.map { Array($0.keys) } ?? [])
                    == ["summary", "issuetype", "project", "assignee", "priority", "status"])

            jira.remove("SUP-7")
            let deleted = try #require(
                try JSONSerialization.jsonObject(with: jira.webhookBody(event: "jira:issue_deleted", key: "SUP-7"))
                    as? [String: Any])
            #expect(deleted["issue_event_type_name"] as? String == "issue_deleted")
            #expect((deleted["issue"] as? [String: Any])?["key"] as? String == "SUP-7")
        }
    }

    @Test func signatureIsTheHexHMACSHA256OfTheBody() {
        // RFC 4231, test case 2.
        let signature = FakeJira.signature(of: Data("what do ya want for nothing?".utf8), secret: "Jefe")
        #expect(signature == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
