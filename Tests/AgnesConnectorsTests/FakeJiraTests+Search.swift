import AgnesFakes
import Foundation
import Testing

/// Search for issues using JQL enhanced search: paging, the JQL subset, refusals.
extension FakeJiraTests {
    @Test func searchPagesThroughThreePagesWithNextPageToken() async throws {
        try await withFake { jira in
            for number in 1...7 {
                jira.put(FakeJiraIssue(key: "SUP-\(number)", created: Self.date(days: Double(number))))
            }
            jira.put(FakeJiraIssue(key: "OPS-1", created: Self.date()))
            let jql = "project = SUP ORDER BY key ASC"
            var keys: [String] = []
            var token: String?
            var pages: [[String: Any]] = []
            repeat {
                var request: [String: Any] = ["jql": jql, "maxResults": 3, "fields": ["summary", "updated"]]
                request["nextPageToken"] = token
                let page = try await Self.search(jira, request).object()
                pages.append(page)
                keys += (page["issues"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
                token = page["nextPageToken"] as? String
            } while token != nil && pages.count < 5
            #expect(pages.count == 3)
            #expect(keys == (1...7).map { "SUP-\($0)" })
            #expect(pages.map { $0["isLast"] as? Bool } == [false, false, true])
            #expect(pages[2]["nextPageToken"] == nil)
            let first = try #require((pages[0]["issues"] as? [[String: Any]])?.first)
            #expect(Set((first["fields"] as? [String: Any] ?? [:]).keys) == ["summary", "updated"])
            let idsOnly = try await Self.search(jira, ["jql": jql]).object()
            let ids = try #require(idsOnly["issues"] as? [[String: Any]])
            #expect(ids.count == 7)
            #expect(ids.allSatisfy { Set($0.keys) == ["id"] })
            let stale = try await Self.search(jira, ["jql": "project = OPS", "nextPageToken": token ?? "bm9wZQ=="])
            #expect(stale.status == 400)
        }
    }

    @Test(arguments: [
        ("project = \"SUP\"", ["SUP-1", "SUP-2", "SUP-3"]),
        ("project = SUP AND statusCategory != Done", ["SUP-1", "SUP-2"]),
        ("statusCategory = Done", ["SUP-3"]),
        ("key in (SUP-1, OPS-1) ORDER BY key DESC", ["SUP-1", "OPS-1"]),
        ("updated >= \"-30d\"", ["OPS-1", "SUP-1", "SUP-3"]),
        ("updated <= -30d", ["SUP-2"]),
        ("created >= \"2026/03/05 00:00\" ORDER BY created ASC", ["SUP-2", "SUP-3"]),
        ("project = SUP ORDER BY updated DESC", ["SUP-3", "SUP-1", "SUP-2"]),
    ])
    func searchFiltersByTheJQLSubset(jql: String, expected: [String]) async throws {
        try await withFake { jira in
            jira.put(FakeJiraIssue(key: "SUP-1", created: Self.date()))
            jira.put(
                FakeJiraIssue(key: "SUP-2", created: Self.date(days: 1)),
                updated: Date().addingTimeInterval(-60 * 86_400))
            jira.put(
                FakeJiraIssue(
                    key: "SUP-3", created: Self.date(days: 2), status: "Resolved", statusCategory: .done,
                    resolution: "Done"))
            jira.put(FakeJiraIssue(key: "OPS-1", created: Self.date(days: -1), projectName: "Operations"))
            jira.put(FakeJiraIssue(key: "SUP-4", created: Self.date(days: 3)))
            jira.remove("SUP-4")
            let reply = try await Self.search(jira, ["jql": jql, "fields": ["key"]])
            #expect(reply.status == 200)
            #expect(try Self.keys(reply) == expected)
        }
    }

    @Test(arguments: [
        (
            "project = ",
            "Error in the JQL Query: Expecting either a value, list or function before the end of the query."
        ),
        ("project SUP", "Error in the JQL Query: Expecting operator but got 'SUP'."),
        ("colour = red", "Field 'colour' does not exist or you do not have permission to view it."),
        ("updated >= \"yesterday\"", "Date value 'yesterday' for field 'updated' is invalid."),
        ("project = A OR project = B", "Error in the JQL Query: The fake Jira supports only AND between clauses."),
        ("", "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."),
    ])
    func badJQLIsRefusedWith400(jql: String, message: String) async throws {
        try await withFake { jira in
            let reply = try await Self.search(jira, ["jql": jql])
            #expect(reply.status == 400)
            #expect(try reply.errorMessage()?.hasPrefix(message) == true)
            #expect((try reply.object()["errors"] as? [String: Any])?.isEmpty == true)
        }
    }
}
