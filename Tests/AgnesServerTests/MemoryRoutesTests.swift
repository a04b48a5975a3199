import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/memory` for signed-in users: visibility above all — someone else's personal item is a 404 on
/// every id route and absent from every list.
@Suite struct MemoryRoutesTests {
    @Test func createStoresAPendingItemOfTheCaller() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/memory", as: ana.token,
                body: [
                    "title": "VAT", "content": "Revenue is net of VAT", "category": "finance", "tags": ["tax"],
                    "domain": "finance",
                ])
            #expect(created.status == .created)
            #expect(created.object["status"] as? String == "pending")
            let id = try #require(created.object["id"] as? String)
            let item = try #require(try await fixture.storedItem(id))
            #expect(item.confidence == 0.5)
            #expect(item.sourceUser == "ana@example.com")
            #expect(item.tags == ["tax"])
            #expect(item.status == .pending)

            let bad = try await client.call(
                .post, "/api/memory", as: ana.token,
                body: ["title": "x", "content": "y", "category": "z", "domain": "marketing"])
            #expect(bad.status == .badRequest)
            #expect(bad.detail?.hasPrefix("domain must be one of: ['finance', 'engineering'") == true)
            let missing = try await client.call(.post, "/api/memory", as: ana.token, body: ["title": "x"])
            #expect(missing.status == .unprocessableContent)
        }
    }

    @Test func theTopicTaggerPutsItsTagsFirst() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        var services = fixture.services
        services.topicTagger = { _, _ in ["revenue", "tax"] }
        let application = AgnesServer.application(services: services, host: "127.0.0.1", port: 0)
        try await application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/memory", as: ana.token,
                body: ["title": "VAT", "content": "net", "category": "c", "tags": ["tax", "mine"]])
            let id = try #require(created.object["id"] as? String)
            #expect(try await fixture.storedItem(id)?.tags == ["revenue", "tax", "mine"])
        }
    }

    @Test func listsShowOnlyWhatTheCallerMaySee() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let root = try await fixture.admin()
        try await fixture.join(ana.id, group: "sales")
        let finance = try await fixture.join(ana.id, group: "finance-readers")
        _ = try await DuckDBGrantRepository(store: fixture.services.store).grant(
            groupID: finance, type: .memoryDomain, resourceID: "finance", by: nil)
        try await fixture.knowledge("open")
        try await fixture.knowledge("all", audience: "all")
        try await fixture.knowledge("sales", audience: "group:sales")
        try await fixture.knowledge("hr", audience: "group:hr")
        try await fixture.knowledge("hr-finance", audience: "group:hr", domain: "finance")
        try await fixture.knowledge("secret", isPersonal: true)
        try await fixture.knowledge("mine", by: "ana@example.com", isPersonal: true)
        try await DuckDBKnowledgeVoteRepository(store: fixture.services.store).setVote(
            .up, itemID: "open", userID: root.id, at: Date())
        try await fixture.application.test(.router) { client in
            let listed = try await client.call(.get, "/api/memory?exclude_personal=false", as: ana.token)
            #expect(listed.status == .ok)
            #expect(Set(itemIDs(listed.object["items"])) == ["open", "all", "sales", "hr-finance"])
            #expect(listed.object["total_count"] as? Int == 4)
            let open = (listed.object["items"] as? [[String: Any]])?.first { $0["id"] as? String == "open" }
            #expect(open?["upvotes"] as? Int == 1)
            #expect(open?["score"] as? Int == 1)
            #expect(open?["downvotes"] as? Int == 0)

            let paged = try await client.call(.get, "/api/memory?per_page=3&page=2", as: ana.token)
            #expect(paged.object["count"] as? Int == 1)
            #expect(paged.object["total_pages"] as? Int == 2)

            let admin = try await client.call(.get, "/api/memory?exclude_personal=false", as: root.token)
            #expect(admin.object["total_count"] as? Int == 7)
            let adminDefault = try await client.call(.get, "/api/memory", as: root.token)
            #expect(adminDefault.object["total_count"] as? Int == 5)

            let search = try await client.call(.get, "/api/memory?search=TITLE%20SEC", as: ana.token)
            #expect(itemIDs(search.object["items"]) == [])
        }
    }

    @Test func statsCountOnlyVisibleItems() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.knowledge("a", domain: "finance", category: "rules", tags: ["x", "y"])
        try await fixture.knowledge("b", status: .pending, category: "faq", tags: ["x"])
        try await fixture.knowledge("hidden", isPersonal: true, category: "secret-category", tags: ["secret"])
        try await fixture.knowledge("group", audience: "group:hr", tags: ["hr"])
        try await fixture.application.test(.router) { client in
            let stats = try await client.call(.get, "/api/memory/stats", as: ana.token)
            #expect(stats.object["total"] as? Int == 2)
            #expect(stats.object["by_status"] as? [String: Int] == ["approved": 1, "pending": 1])
            #expect(stats.object["categories"] as? [String] == ["faq", "rules"])
            #expect(stats.object["by_domain"] as? [String: Int] == ["finance": 1, "unset": 1])
            #expect(stats.object["by_tag"] as? [String: Int] == ["x": 2, "y": 1])
            #expect(stats.object["by_audience"] as? [String: Int] == ["all": 2])
            #expect(stats.object["by_source_type"] as? [String: Int] == ["claude_local_md": 2])
        }
    }

    @Test func votesCountAndRetractAndHideOthersPersonalItems() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.knowledge("open")
        try await fixture.knowledge("secret", isPersonal: true)
        try await fixture.knowledge("hr", audience: "group:hr")
        try await fixture.knowledge("mine", by: "ana@example.com", isPersonal: true)
        try await fixture.application.test(.router) { client in
            let up = try await client.call(.post, "/api/memory/open/vote", as: ana.token, body: ["vote": 1])
            #expect(up.status == .ok)
            #expect(up.object["upvotes"] as? Int == 1)
            let down = try await client.call(.post, "/api/memory/open/vote", as: ana.token, body: ["vote": -1])
            #expect(down.object["downvotes"] as? Int == 1)
            #expect(down.object["upvotes"] as? Int == 0)
            let retract = try await client.call(.post, "/api/memory/open/vote", as: ana.token, body: ["vote": 0])
            #expect(retract.object["downvotes"] as? Int == 0)
            let bad = try await client.call(.post, "/api/memory/open/vote", as: ana.token, body: ["vote": 2])
            #expect(bad.status == .badRequest)
            #expect(bad.detail == "Vote must be 1, -1, or 0 (retract)")
            for id in ["secret", "hr", "nothing"] {
                let hidden = try await client.call(.post, "/api/memory/\(id)/vote", as: ana.token, body: ["vote": 1])
                #expect(hidden.status == .notFound, "\(id)")
                #expect(hidden.detail == "Knowledge item not found")
            }
            let own = try await client.call(.post, "/api/memory/mine/vote", as: ana.token, body: ["vote": 1])
            #expect(own.status == .ok)
        }
    }

    @Test func myVotesLeaveOutItemsThatBecamePersonal() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.knowledge("open")
        try await fixture.knowledge("later-personal")
        try await fixture.application.test(.router) { client in
            _ = try await client.call(.post, "/api/memory/open/vote", as: ana.token, body: ["vote": 1])
            _ = try await client.call(.post, "/api/memory/later-personal/vote", as: ana.token, body: ["vote": -1])
            let before = try await client.call(.get, "/api/memory/my-votes", as: ana.token)
            #expect(before.object as? [String: Int] == ["open": 1, "later-personal": -1])
            var changes = KnowledgeItemChanges()
            changes.isPersonal = true
            _ = try await DuckDBKnowledgeItemRepository(store: fixture.services.store).update(
                id: "later-personal", with: changes, at: Date())
            let after = try await client.call(.get, "/api/memory/my-votes", as: ana.token)
            #expect(after.object as? [String: Int] == ["open": 1])
        }
    }

    @Test func myContributionsIncludeOwnPersonalItemsOnly() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.knowledge("mine", by: "ana@example.com", isPersonal: true)
        try await fixture.knowledge("mine-too", by: "ana@example.com", audience: "group:nobody")
        try await fixture.knowledge("theirs", isPersonal: true)
        try await fixture.application.test(.router) { client in
            let mine = try await client.call(.get, "/api/memory/my-contributions", as: ana.token)
            #expect(Set(itemIDs(mine.object["items"])) == ["mine", "mine-too"])
            #expect(mine.object["count"] as? Int == 2)
        }
    }

    @Test func onlyTheContributorFlagsPersonal() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let root = try await fixture.admin()
        try await fixture.knowledge("mine", by: "ana@example.com")
        try await fixture.knowledge("theirs")
        try await fixture.knowledge("secret", isPersonal: true)
        try await fixture.application.test(.router) { client in
            let flagged = try await client.call(
                .post, "/api/memory/mine/personal", as: ana.token, body: ["is_personal": true])
            #expect(flagged.status == .ok)
            #expect(flagged.object["is_personal"] as? Bool == true)
            #expect(try await fixture.storedItem("mine")?.isPersonal == true)
            let other = try await client.call(
                .post, "/api/memory/theirs/personal", as: ana.token, body: ["is_personal": true])
            #expect(other.status == .forbidden)
            #expect(other.detail == "Only the contributor can flag personal items")
            let admin = try await client.call(
                .post, "/api/memory/theirs/personal", as: root.token, body: ["is_personal": true])
            #expect(admin.status == .forbidden)
            let hidden = try await client.call(
                .post, "/api/memory/secret/personal", as: ana.token, body: ["is_personal": false])
            #expect(hidden.status == .notFound)
            #expect(try await fixture.storedItem("secret")?.isPersonal == true)
        }
    }

    @Test func provenanceNamesTheSourceAndHidesPersonalItems() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let root = try await fixture.admin()
        try await fixture.knowledge("open", domain: "data", confidence: 0.7)
        try await fixture.knowledge("secret", isPersonal: true)
        try await fixture.application.test(.router) { client in
            let open = try await client.call(.get, "/api/memory/open/provenance", as: ana.token)
            #expect(open.status == .ok)
            #expect(
                Set(open.object.keys) == [
                    "id", "source_type", "source_ref", "source_user", "confidence", "domain", "entities", "valid_from",
                    "valid_until", "supersedes", "created_at",
                ])
            #expect(open.object["confidence"] as? Double == 0.7)
            #expect(open.object["source_user"] as? String == "owner@example.com")
            let hidden = try await client.call(.get, "/api/memory/secret/provenance", as: ana.token)
            #expect(hidden.status == .notFound)
            let admin = try await client.call(.get, "/api/memory/secret/provenance", as: root.token)
            #expect(admin.status == .ok)
        }
    }

    @Test func treeGroupsVisibleItemsAndPagesOverGroups() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.knowledge("a", tags: ["beta", "Alpha"])
        try await fixture.knowledge("b", tags: ["beta"])
        try await fixture.knowledge("c")
        try await fixture.knowledge("secret", isPersonal: true, tags: ["beta", "private"])
        try await fixture.knowledge("g", audience: "group:hr", tags: ["hr"])
        try await fixture.application.test(.router) { client in
            let tree = try await client.call(.get, "/api/memory/tree?axis=tag", as: ana.token)
            #expect(tree.status == .ok)
            let groups = tree.object["groups"] as? [[String: Any]] ?? []
            #expect(groups.compactMap { $0["key"] as? String } == ["Alpha", "beta", ""])
            #expect(groups.compactMap { $0["count"] as? Int } == [1, 2, 1])
            #expect(groups.last?["label"] as? String == "(no tag)")
            #expect(tree.object["total_items"] as? Int == 4)
            #expect(tree.object["total_groups"] as? Int == 3)

            let paged = try await client.call(.get, "/api/memory/tree?axis=tag&per_page=1&page=2", as: ana.token)
            #expect((paged.object["groups"] as? [[String: Any]])?.first?["key"] as? String == "beta")
            let capped = try await client.call(.get, "/api/memory/tree?per_page=9999", as: ana.token)
            #expect(capped.object["per_page"] as? Int == 500)
            let audience = try await client.call(.get, "/api/memory/tree?axis=audience", as: ana.token)
            let labels = (audience.object["groups"] as? [[String: Any]])?.compactMap { $0["label"] as? String }
            #expect(labels == ["All users"])

            let bad = try await client.call(.get, "/api/memory/tree?axis=colour", as: ana.token)
            #expect(bad.status == .badRequest)
            #expect(bad.detail == "axis must be one of: ['domain', 'category', 'tag', 'audience']")
        }
    }

    @Test func treeFiltersByDuplicatesAndSearch() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.knowledge("a", content: "churn is monthly")
        try await fixture.knowledge("b")
        try await fixture.knowledge("c")
        try await DuckDBKnowledgeRelationRepository(store: fixture.services.store).upsert(
            itemID: "b", otherItemID: "c", type: "likely_duplicate", score: 0.9, at: Date())
        try await fixture.application.test(.router) { client in
            let duplicates = try await client.call(.get, "/api/memory/tree?has_duplicate=true", as: ana.token)
            let items = (duplicates.object["groups"] as? [[String: Any]])?.first?["items"]
            #expect(Set(itemIDs(items)) == ["b", "c"])
            let search = try await client.call(.get, "/api/memory/tree?q=CHURN", as: ana.token)
            #expect(itemIDs((search.object["groups"] as? [[String: Any]])?.first?["items"]) == ["a"])
        }
    }

    @Test func bundleTakesMandatoryItemsThenRankedApprovedWithinTheBudget() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let now = Date()
        let day: TimeInterval = 86_400
        // 4000 characters of content ≈ 1000 tokens each.
        let big = String(repeating: "x", count: 3996)
        try await fixture.knowledge("must", title: "Must", content: big, status: .mandatory, updatedAt: now)
        try await fixture.knowledge("fresh", title: "abc", content: big, confidence: 0.9, updatedAt: now)
        try await fixture.knowledge("old", title: "abc", content: big, confidence: 0.9, updatedAt: now - 300 * day)
        try await fixture.knowledge("mid", title: "abc", content: big, confidence: 0.5, updatedAt: now - 10 * day)
        for index in 0..<5 {
            try await fixture.knowledge(
                "filler\(index)", title: "abc", content: big, confidence: 0.3, updatedAt: now - 20 * day)
        }
        try await fixture.knowledge("secret", title: "s", status: .mandatory, isPersonal: true)
        try await fixture.knowledge("hr", title: "h", status: .mandatory, audience: "group:hr")
        try await fixture.knowledge("ancient", title: "abc", content: "", confidence: 1, updatedAt: now - 400 * day)
        try await fixture.application.test(.router) { client in
            let bundle = try await client.call(.get, "/api/memory/bundle", as: ana.token)
            #expect(bundle.status == .ok)
            #expect(itemIDs(bundle.object["mandatory"]) == ["must"])
            let approved = itemIDs(bundle.object["approved"])
            // 6000 − 1000 (mandatory) leaves room for five 1000-token items, best ranked first.
            #expect(approved.count == 5)
            #expect(approved == ["fresh", "mid", "filler0", "filler1", "filler2"])
            #expect(!approved.contains("old"))
            #expect(bundle.object["token_estimate"] as? Int == 6000)
            #expect(bundle.object["token_budget"] as? Int == 6000)
        }
    }
    @Test func theBundleIsServedAgainUntilSomethingChangesAndThenShowsTheChange() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let root = try await fixture.admin()
        try await fixture.knowledge("rule", title: "Rule", status: .mandatory)
        try await fixture.knowledge("draft", title: "Draft", status: .pending)
        try await fixture.knowledge("hr", title: "HR", status: .approved, audience: "group:hr")
        try await fixture.application.test(.router) { client in
            func bundle() async throws -> (mandatory: [String], approved: [String]) {
                let answer = try await client.call(.get, "/api/memory/bundle", as: ana.token)
                #expect(answer.status == .ok)
                return (itemIDs(answer.object["mandatory"]), itemIDs(answer.object["approved"]))
            }
            #expect(try await bundle() == (["rule"], []))
            #expect(try await bundle() == (["rule"], []))
            // Approval, a new membership, a revocation: each is in the very next bundle.
            let approved = try await client.call(.post, "/api/memory/admin/approve?item_id=draft", as: root.token)
            #expect(approved.status == .ok)
            #expect(try await bundle() == (["rule"], ["draft"]))
            let hr = try await fixture.join(ana.id, group: "hr")
            #expect(Set(try await bundle().approved) == ["draft", "hr"])
            _ = try await DuckDBGroupRepository(store: fixture.services.store).removeMember(userID: ana.id, groupID: hr)
            #expect(try await bundle() == (["rule"], ["draft"]))
            let revoked = try await client.call(.post, "/api/memory/admin/revoke?item_id=rule", as: root.token)
            #expect(revoked.status == .ok)
            #expect(try await bundle() == ([], ["draft"]))
        }
    }
}
