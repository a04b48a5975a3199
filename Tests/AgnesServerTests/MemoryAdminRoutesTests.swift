import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/memory/admin/...`: governance, audit keyed by the admin's email, review queues, updates.
@Suite struct MemoryAdminRoutesTests {
    @Test func governanceActionsSetStatusAndAuditByEmail() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.knowledge("a", status: .pending)
        try await fixture.application.test(.router) { client in
            let approved = try await client.call(.post, "/api/memory/admin/approve?item_id=a", as: root.token)
            #expect(approved.status == .ok)
            #expect(approved.object["status"] as? String == "approved")
            let rejected = try await client.call(
                .post, "/api/memory/admin/reject?item_id=a", as: root.token, body: ["reason": "wrong"])
            #expect(rejected.object["status"] as? String == "rejected")
            let mandated = try await client.call(
                .post, "/api/memory/admin/mandate?item_id=a", as: root.token, body: ["audience": "group:sales"])
            #expect(mandated.object["status"] as? String == "mandatory")
            #expect(try await fixture.storedItem("a")?.audience == "group:sales")
            let revoked = try await client.call(.post, "/api/memory/admin/revoke?item_id=a", as: root.token)
            #expect(revoked.object["status"] as? String == "revoked")
            #expect(try await fixture.storedItem("a")?.status == .revoked)
            let edited = try await client.call(
                .post, "/api/memory/admin/edit?item_id=a", as: root.token, body: ["title": "New"])
            #expect(edited.object["updated"] as? [String] == ["title"])
            #expect(try await fixture.storedItem("a")?.title == "New")
            let missing = try await client.call(.post, "/api/memory/admin/approve?item_id=nope", as: root.token)
            #expect(missing.status == .notFound)
        }
        let audit = try await fixture.auditLog().filter { $0.action.hasPrefix("corporate_memory.") }
        #expect(
            audit.map(\.action) == [
                "corporate_memory.approve", "corporate_memory.reject", "corporate_memory.mandate",
                "corporate_memory.revoke", "corporate_memory.edit",
            ])
        #expect(Set(audit.compactMap(\.userID)) == ["root@example.com"])
        #expect(Set(audit.compactMap(\.resource)) == ["a"])
        #expect(audit[1].params?["reason"] == "wrong")
    }

    @Test func nonAdminsAreRefusedEveryAdminRoute() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.knowledge("secret", by: "ana@example.com", isPersonal: true)
        try await fixture.application.test(.router) { client in
            for (method, path) in [
                (HTTPRequest.Method.post, "/api/memory/admin/approve?item_id=secret"),
                (.post, "/api/memory/admin/batch"), (.get, "/api/memory/admin/pending"),
                (.get, "/api/memory/admin/audit"), (.get, "/api/memory/admin/contradictions"),
                (.get, "/api/memory/admin/duplicate-candidates"), (.patch, "/api/memory/admin/secret"),
                (.post, "/api/memory/admin/bulk-update"),
            ] {
                let reply = try await client.call(method, path, as: ana.token, body: [:])
                #expect(reply.status == .forbidden, "\(path)")
                #expect(reply.detail == "Admin access required")
            }
        }
    }

    @Test func batchReportsMissingItemsAndRefusesUnknownActions() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.knowledge("a", status: .pending)
        try await fixture.knowledge("b", status: .pending)
        try await fixture.application.test(.router) { client in
            let done = try await client.call(
                .post, "/api/memory/admin/batch", as: root.token,
                body: ["item_ids": ["a", "x", "b"], "action": "mandate", "audience": "all"])
            #expect(done.object["success"] as? [String] == ["a", "b"])
            #expect(done.object["not_found"] as? [String] == ["x"])
            #expect(try await fixture.storedItem("b")?.status == .mandatory)
            let bad = try await client.call(
                .post, "/api/memory/admin/batch", as: root.token, body: ["item_ids": ["a"], "action": "delete"])
            #expect(bad.status == .badRequest)
            #expect(bad.detail == "Invalid action: delete")
        }
        let batch = try await fixture.auditLog().filter { $0.action == "corporate_memory.mandate" }
        #expect(batch.count == 2)
        #expect(batch.first?.params?["batch"] == "true")
    }

    @Test func pendingQueueAndAuditIncludingLegacyRows() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.knowledge("p", status: .pending, category: "faq")
        try await fixture.knowledge("q", status: .pending, isPersonal: true, category: "rules")
        try await fixture.knowledge("r")
        let log = DuckDBAuditLogRepository(store: fixture.services.store)
        for action in ["km_approve", "token.create"] {
            try await log.append(
                action: action, userID: "old@example.com", resource: "r", params: nil, result: nil, durationMS: nil,
                at: Date())
        }
        try await fixture.application.test(.router) { client in
            let pending = try await client.call(.get, "/api/memory/admin/pending", as: root.token)
            #expect(Set(itemIDs(pending.object["items"])) == ["p", "q"])
            let faq = try await client.call(.get, "/api/memory/admin/pending?category=faq", as: root.token)
            #expect(itemIDs(faq.object["items"]) == ["p"])
            _ = try await client.call(.post, "/api/memory/admin/approve?item_id=p", as: root.token)
            let audit = try await client.call(.get, "/api/memory/admin/audit", as: root.token)
            let actions = (audit.object["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
            #expect(Set(actions ?? []) == ["km_approve", "corporate_memory.approve"])
            #expect(audit.object["count"] as? Int == 2)
            let only = try await client.call(.get, "/api/memory/admin/audit?action=approve&per_page=1", as: root.token)
            #expect(only.object["count"] as? Int == 1)
        }
    }

    @Test func contradictionsHidePersonalItemsAndResolveOnce() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.knowledge("a")
        try await fixture.knowledge("secret", isPersonal: true)
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/memory/admin/contradictions", as: root.token,
                body: ["item_a_id": "a", "item_b_id": "secret", "explanation": "disagree", "severity": "high"])
            let id = try #require(created.object["id"] as? String)
            #expect(id.hasPrefix("kc_") && id.count == 15)
            let missing = try await client.call(
                .post, "/api/memory/admin/contradictions", as: root.token,
                body: ["item_a_id": "a", "item_b_id": "zzz", "explanation": "x"])
            #expect(missing.status == .notFound)
            #expect(missing.detail == "Item B not found: zzz")

            let listed = try await client.call(.get, "/api/memory/admin/contradictions", as: root.token)
            let row = try #require((listed.object["contradictions"] as? [[String: Any]])?.first)
            #expect((row["item_a"] as? [String: Any])?["title"] as? String == "Title a")
            #expect((row["item_b"] as? [String: Any]).map { Set($0.keys) } == ["id", "hidden"])
            #expect((row["item_b"] as? [String: Any])?["hidden"] as? Bool == true)
            let full = try await client.call(
                .get, "/api/memory/admin/contradictions?exclude_personal=false", as: root.token)
            let fullRow = (full.object["contradictions"] as? [[String: Any]])?.first
            #expect((fullRow?["item_b"] as? [String: Any])?["title"] as? String == "Title secret")

            let badResolution = try await client.call(
                .post, "/api/memory/admin/contradictions/\(id)/resolve", as: root.token, body: ["resolution": "x"])
            #expect(badResolution.status == .badRequest)
            let resolved = try await client.call(
                .post, "/api/memory/admin/contradictions/\(id)/resolve", as: root.token,
                body: ["resolution": "kept_a"])
            #expect(resolved.object["resolved"] as? Bool == true)
            #expect(resolved.object["resolution"] as? String == "kept_a")
            let again = try await client.call(
                .post, "/api/memory/admin/contradictions/\(id)/resolve", as: root.token,
                body: ["resolution": "merged"])
            #expect(again.status == .badRequest)
            #expect(again.detail == "Contradiction already resolved")
            let unresolved = try await client.call(
                .get, "/api/memory/admin/contradictions?resolved=false", as: root.token)
            #expect(unresolved.object["count"] as? Int == 0)
        }
        let audit = try await fixture.auditLog().filter { $0.action == "corporate_memory.resolve_contradiction" }
        #expect(audit.first?.userID == "root@example.com")
    }

    @Test func duplicateCandidatesHidePersonalItemsAndResolveWithSortedIDs() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.knowledge("b")
        try await fixture.knowledge("a", isPersonal: true)
        try await DuckDBKnowledgeRelationRepository(store: fixture.services.store).upsert(
            itemID: "b", otherItemID: "a", type: "likely_duplicate", score: 0.8, at: Date())
        try await fixture.application.test(.router) { client in
            let listed = try await client.call(.get, "/api/memory/admin/duplicate-candidates", as: root.token)
            let row = try #require((listed.object["relations"] as? [[String: Any]])?.first)
            #expect(row["item_a_id"] as? String == "a")
            #expect((row["item_a"] as? [String: Any])?["hidden"] as? Bool == true)
            #expect((row["item_b"] as? [String: Any])?["id"] as? String == "b")
            let bad = try await client.call(
                .post, "/api/memory/admin/duplicate-candidates/resolve?item_a_id=b&item_b_id=a", as: root.token,
                body: ["resolution": "merge"])
            #expect(bad.status == .badRequest)
            let resolved = try await client.call(
                .post, "/api/memory/admin/duplicate-candidates/resolve?item_a_id=b&item_b_id=a", as: root.token,
                body: ["resolution": "different"])
            #expect(resolved.status == .ok)
            #expect(resolved.object["item_a_id"] as? String == "a")
            #expect(resolved.object["item_b_id"] as? String == "b")
            let again = try await client.call(
                .post, "/api/memory/admin/duplicate-candidates/resolve?item_a_id=a&item_b_id=b", as: root.token,
                body: ["resolution": "different"])
            #expect(again.status == .badRequest)
            let none = try await client.call(
                .post, "/api/memory/admin/duplicate-candidates/resolve?item_a_id=a&item_b_id=z", as: root.token,
                body: ["resolution": "different"])
            #expect(none.status == .notFound)
        }
        let audit = try await fixture.auditLog().filter { $0.action == "corporate_memory.resolve_duplicate" }
        #expect(audit.first?.resource == "a::b")
    }

    @Test func patchClearsExplicitNullsAndRefusesANullTitle() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.knowledge("a", audience: "group:x", domain: "data", category: "c", tags: ["t"])
        try await fixture.application.test(.router) { client in
            let patched = try await client.call(
                .patch, "/api/memory/admin/a", as: root.token,
                body: ["audience": nil, "category": "rules", "domain": "finance", "tags": nil])
            #expect(patched.status == .ok)
            #expect(patched.object["updated"] as? [String] == ["audience", "category", "domain", "tags"])
            let item = try #require(try await fixture.storedItem("a"))
            #expect(item.audience == nil)
            #expect(item.category == "rules")
            #expect(item.domain == "finance")
            #expect(item.tags == [])
            let nullTitle = try await client.call(.patch, "/api/memory/admin/a", as: root.token, body: ["title": nil])
            #expect(nullTitle.status == .badRequest)
            #expect(nullTitle.detail == "title cannot be null")
            let badDomain = try await client.call(
                .patch, "/api/memory/admin/a", as: root.token, body: ["domain": "marketing"])
            #expect(badDomain.status == .badRequest)
            let missing = try await client.call(.patch, "/api/memory/admin/zzz", as: root.token, body: ["title": "x"])
            #expect(missing.status == .notFound)
        }
        let audit = try await fixture.auditLog().filter { $0.action == "corporate_memory.update_item" }
        #expect(audit.count == 1)
        #expect(audit.first?.userID == "root@example.com")
    }

    @Test func bulkUpdateAcceptsOnlyAllowedKeys() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.knowledge("a", tags: ["old", "keep"])
        try await fixture.knowledge("b")
        try await fixture.application.test(.router) { client in
            let refused = try await client.call(
                .post, "/api/memory/admin/bulk-update", as: root.token,
                body: ["item_ids": ["a"], "updates": ["status": "approved", "category": "x"]])
            #expect(refused.status == .badRequest)
            #expect(
                refused.detail
                    == "updates contains disallowed field(s): ['status']. Allowed: ['audience', 'category', 'content', 'domain', 'tags', 'tags_add', 'tags_remove', 'title']"
            )
            let done = try await client.call(
                .post, "/api/memory/admin/bulk-update", as: root.token,
                body: [
                    "item_ids": ["a", "b", "zzz"],
                    "updates": ["category": "faq", "tags_add": ["new"], "tags_remove": ["old"]],
                ])
            #expect(done.status == .ok)
            #expect(done.object["updated"] as? [String] == ["a", "b"])
            #expect(done.object["not_found"] as? [String] == ["zzz"])
            #expect(try await fixture.storedItem("a")?.tags == ["keep", "new"])
            #expect(try await fixture.storedItem("b")?.tags == ["new"])
            #expect(try await fixture.storedItem("b")?.category == "faq")
            let badDomain = try await client.call(
                .post, "/api/memory/admin/bulk-update", as: root.token,
                body: ["item_ids": ["a"], "updates": ["domain": "nope"]])
            #expect(badDomain.status == .badRequest)
        }
        #expect(try await fixture.auditLog().filter { $0.action == "corporate_memory.bulk_update" }.count == 2)
    }
}
