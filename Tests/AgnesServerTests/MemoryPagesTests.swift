import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/corporate-memory` and `/corporate-memory/admin`: what each caller sees, stored markup kept inert,
/// and the page's forms' bodies sent to the memory API then shown on both pages.
struct MemoryPagesTests {
    static let hostileTitle = #"<script>alert(1)</script> "><img src=x onerror=alert(2)>"#
    static let hostileContent = #"Use <b>net</b> "><img src=y onerror=alert(3)> <script>alert(4)</script>"#

    /// Ana (analyst), Bob (analyst, `owner@example.com`) and root (admin). Bob's items: approved,
    /// mandatory, pending, personal, one for a group Ana is not in; Ana's own: pending and personal.
    static func fixture() async throws -> (
        fixture: ServerFixture, ana: (id: String, token: String), admin: (id: String, token: String)
    ) {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        _ = try await fixture.analyst("owner@example.com")
        let admin = try await fixture.admin()
        try await fixture.knowledge(
            "k-approved", title: "Revenue is net of refunds", content: "Always subtract refunds.", domain: "finance",
            category: "metrics", tags: ["revenue", "refunds"])
        try await fixture.knowledge("k-mandatory", title: "Fiscal year starts in April", status: .mandatory)
        try await fixture.knowledge("k-pending", title: "Bob pending idea", status: .pending)
        try await fixture.knowledge("k-personal", title: "Bob private note", isPersonal: true)
        try await fixture.knowledge("k-group", title: "Board only fact", audience: "group:board")
        try await fixture.knowledge("k-ana-pending", title: "Ana pending tip", status: .pending, by: "ana@example.com")
        try await fixture.knowledge(
            "k-ana-personal", title: "Ana private tip", by: "ana@example.com", isPersonal: true)
        return (fixture, ana, admin)
    }

    static func html(_ client: some TestClientProtocol, _ path: String, as token: String?) async throws -> String {
        try await PeoplePagesTests.html(client, path, as: token)
    }

    @Test func anAnalystSeesReviewedItemsButNeitherOthersPersonalNorPendingOnes() async throws {
        let (fixture, ana, _) = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            let response = try await client.raw(.get, "/corporate-memory", as: ana.token)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: response.body)
            #expect(html.contains(#"aria-current="page">Memory"#))
            #expect(html.contains("Revenue is net of refunds") && html.contains("Always subtract refunds."))
            #expect(html.contains(#"<span class="chip">metrics</span><span class="chip">finance</span>"#))
            #expect(html.contains("#revenue") && html.contains("#refunds"))
            #expect(html.contains("Fiscal year starts in April</h3>") == false)
            #expect(html.contains(#"Fiscal year starts in April <span class="chip mandatory">mandatory</span>"#))
            #expect(html.contains("2 items."))
            for hidden in ["Bob pending idea", "Bob private note", "Board only fact", "/corporate-memory/admin"] {
                #expect(!html.contains(hidden), "\(hidden)")
            }
            // Ana's own items, pending and personal, are under her contributions only.
            #expect(html.contains("Ana pending tip") && html.contains("Ana private tip"))
            #expect(html.contains(#"<td class="status-pending">pending</td>"#))
            #expect(html.contains("Only you (personal)") && html.contains("Share with the team"))
            #expect(!html.contains(#"<h3 id="item-k-ana-personal">"#))
            // The contribute form posts to the add API; domains are the API's.
            #expect(html.contains(#"<form data-api="/api/memory" data-then="reload""#))
            #expect(html.contains(#"<option value="infrastructure">infrastructure</option>"#))
        }
    }

    @Test func searchAndFiltersNarrowTheList() async throws {
        let (fixture, ana, _) = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            let found = try await Self.html(client, "/corporate-memory?q=REFUNDS", as: ana.token)
            #expect(found.contains("Revenue is net of refunds") && !found.contains("Fiscal year starts"))
            #expect(found.contains("1 items match.") && found.contains(#"value="REFUNDS""#))
            let byDomain = try await Self.html(client, "/corporate-memory?domain=finance", as: ana.token)
            #expect(byDomain.contains("Revenue is net") && !byDomain.contains("Fiscal year starts"))
            #expect(byDomain.contains(#"<option value="finance" selected>"#))
            let mandatory = try await Self.html(client, "/corporate-memory?status=mandatory", as: ana.token)
            #expect(mandatory.contains("Fiscal year starts") && !mandatory.contains("Revenue is net"))
            // Asking for pending items shows reviewed ones only: the page never lists the queue.
            let pending = try await Self.html(client, "/corporate-memory?status=pending", as: ana.token)
            #expect(!pending.contains("Bob pending idea") && pending.contains("Revenue is net"))
            let category = try await Self.html(client, "/corporate-memory?category=metrics", as: ana.token)
            #expect(category.contains("Revenue is net") && !category.contains("Fiscal year starts"))
            let none = try await Self.html(client, "/corporate-memory?q=nothing-like-this", as: ana.token)
            #expect(none.contains("No knowledge matches."))
        }
    }

    @Test func votesCastWithTheFormsBodyAreShownAsTheCallersOwn() async throws {
        let (fixture, ana, _) = try await Self.fixture()
        let carol = try await fixture.analyst("carol@example.com")
        try await fixture.application.test(.router) { client in
            let before = try await Self.html(client, "/corporate-memory", as: ana.token)
            #expect(before.contains(#"<input type="hidden" name="vote" data-type="int" value="1">"#))
            #expect(before.contains("You have not voted."))
            for (token, vote) in [(ana.token, 1), (carol.token, -1)] {
                let cast = try await client.call(
                    .post, "/api/memory/k-approved/vote", as: token, body: ["id": "k-approved", "vote": vote])
                #expect(cast.status == .ok)
            }
            let after = try await Self.html(client, "/corporate-memory?q=revenue", as: ana.token)
            #expect(after.contains(#"aria-pressed="true" title="Take back your up vote">▲ 1"#))
            #expect(after.contains(#"aria-pressed="false" title="Vote down">▼ 1"#))
            #expect(after.contains("Score 0. You voted up."))
            // Pressing the pressed button sends 0, the API's retraction.
            #expect(after.contains(#"name="vote" data-type="int" value="0">"#))
            let retracted = try await client.call(
                .post, "/api/memory/k-approved/vote", as: ana.token, body: ["id": "k-approved", "vote": 0])
            #expect(retracted.status == .ok)
            let undone = try await Self.html(client, "/corporate-memory?q=revenue", as: ana.token)
            #expect(undone.contains("Score -1. You have not voted."))
        }
    }

    @Test func contributingAndTheFlagGoThroughTheAPIAndShowUp() async throws {
        let (fixture, ana, admin) = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            // The contribute form's body: domain left out when empty, tags as a list.
            var form = try #require(
                WebForm(in: try await Self.html(client, "/corporate-memory", as: ana.token), id: "/api/memory"))
            form.fields["title"] = "Churn counts cancelled plans"
            form.fields["content"] = "Not paused ones."
            form.fields["category"] = "metrics"
            form.fields["tags"] = WebForm.typed("churn", form.fieldAttributes["tags"] ?? [:])
            #expect(form.body["domain"] == nil && form.body["tags"] as? [String] == ["churn"])
            let added = try await client.call(.post, "/api/memory", as: ana.token, body: form.body)
            #expect(added.status == .created)
            let id = try #require(added.object["id"] as? String)
            let mine = try await Self.html(client, "/corporate-memory", as: ana.token)
            #expect(mine.contains("Churn counts cancelled plans") && !mine.contains(#"<h3 id="item-\#(id)""#))
            let queue = try await Self.html(client, "/corporate-memory/admin", as: admin.token)
            #expect(queue.contains("Churn counts cancelled plans") && queue.contains(#"value="\#(id)""#))
            // The personal switch's body.
            let flagged = try await client.call(
                .post, "/api/memory/\(id)/personal", as: ana.token, body: ["id": id, "is_personal": true])
            #expect(flagged.status == .ok)
            #expect(try await fixture.storedItem(id)?.isPersonal == true)
            let refused = try await client.call(
                .post, "/api/memory/k-approved/personal", as: ana.token,
                body: ["id": "k-approved", "is_personal": true])
            #expect(refused.status == .forbidden)
        }
    }

    @Test func visitorsAreSentToSignInAndAnalystsAreRefusedTheAdminPage() async throws {
        let (fixture, ana, admin) = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            for (path, next) in [
                ("/corporate-memory", "%2Fcorporate%2Dmemory"),
                ("/corporate-memory/admin", "%2Fcorporate%2Dmemory%2Fadmin"),
            ] {
                let visitor = try await client.raw(.get, path, as: nil)
                #expect(visitor.status == .found, "\(path)")
                #expect(visitor.headers[.location] == "/login?next=\(next)")
            }
            let refused = try await client.raw(.get, "/corporate-memory/admin", as: ana.token)
            #expect(refused.status == .forbidden)
            let text = String(buffer: refused.body)
            #expect(text.contains("Admin access required") && !text.contains("Bob pending idea"))
            let index = try await Self.html(client, "/admin", as: admin.token)
            #expect(index.contains(#"<a href="/corporate-memory/admin">Corporate memory</a>"#))
            let browse = try await Self.html(client, "/corporate-memory", as: admin.token)
            #expect(browse.contains(#"<a href="/corporate-memory/admin">"#))
            // Admins browse what everyone else does: personal items stay out of the list.
            #expect(!browse.contains("Bob private note") && browse.contains("Board only fact"))
        }
    }

    @Test func theAdminPageShowsTheQueueCountsPairsAndAudit() async throws {
        let (fixture, _, admin) = try await Self.fixture()
        let store = fixture.services.store
        _ = try await DuckDBKnowledgeContradictionRepository(store: store).create(
            itemAID: "k-approved", itemBID: "k-mandatory", explanation: "They disagree on refunds", severity: "high",
            suggestedResolution: "kept_b", at: Date())
        _ = try await DuckDBKnowledgeContradictionRepository(store: store).create(
            itemAID: "k-approved", itemBID: "k-personal", explanation: "Personal clash", severity: nil,
            suggestedResolution: nil, at: Date())
        try await DuckDBKnowledgeRelationRepository(store: store).upsert(
            itemID: "k-group", otherItemID: "k-approved", type: "likely_duplicate", score: 0.91, at: Date())
        try await fixture.application.test(.router) { client in
            let html = try await Self.html(client, "/corporate-memory/admin", as: admin.token)
            #expect(html.contains(#"aria-current="page">Admin"#))
            #expect(html.contains("<strong>2</strong> pending") && html.contains("<strong>4</strong> approved"))
            #expect(html.contains("<strong>1</strong> mandatory") && html.contains("<strong>7</strong> in all"))
            #expect(html.contains("Bob pending idea") && html.contains("Ana pending tip"))
            #expect(!html.contains("<strong>Revenue is net of refunds</strong>"))
            #expect(html.contains(#"data-api="/api/memory/admin/approve?item_id={id}""#))
            #expect(html.contains(#"data-api="/api/memory/admin/batch" data-selection="item_ids:pending""#))
            #expect(html.contains(#"data-pick="pending" value="k-pending""#))
            #expect(html.contains(#"name="updates.tags_add""#))
            // Contradictions side by side with the suggestion preselected; a personal side stays hidden.
            #expect(html.contains("They disagree on refunds") && html.contains(#"<span class="chip">high</span>"#))
            #expect(html.contains("<h3>A: Revenue is net of refunds</h3>"))
            #expect(html.contains("<h3>B: Fiscal year starts in April</h3>"))
            #expect(html.contains("Suggested resolution: <strong>Keep B</strong>"))
            #expect(html.contains(#"<option value="kept_b" selected>Keep B</option>"#))
            #expect(html.contains("A personal item: its text is not shown here.") && !html.contains("Bob private note"))
            // The duplicate pair in the API's order, with its verdicts.
            #expect(html.contains("Similarity <strong>0.91</strong>"))
            #expect(html.contains(#"name="item_a_id" value="k-approved""#))
            #expect(html.contains(#"name="item_b_id" value="k-group""#))
            #expect(html.contains("item_a_id={item_a_id}&amp;item_b_id={item_b_id}"))
            #expect(html.contains(#"<option value="dismissed">Dismiss</option>"#))
            #expect(html.contains("No memory actions yet."))

            let resolved = try await client.call(
                .post, "/api/memory/admin/contradictions/\(try await Self.contradictionID(fixture))/resolve",
                as: admin.token, body: ["resolution": "kept_b"])
            #expect(resolved.status == .ok)
            let verdict = try await client.call(
                .post, "/api/memory/admin/duplicate-candidates/resolve?item_a_id=k-approved&item_b_id=k-group",
                as: admin.token, body: ["item_a_id": "k-approved", "item_b_id": "k-group", "resolution": "dismissed"])
            #expect(verdict.status == .ok)
            let after = try await Self.html(client, "/corporate-memory/admin", as: admin.token)
            #expect(!after.contains("They disagree on refunds") && after.contains("Personal clash"))
            #expect(after.contains("No duplicate candidates to look at."))
            #expect(after.contains("<td>resolve_contradiction</td>") && after.contains("<td>resolve_duplicate</td>"))
            #expect(after.contains("resolution: dismissed"))
        }
    }

    static func contradictionID(_ fixture: ServerFixture) async throws -> String {
        let open = try await DuckDBKnowledgeContradictionRepository(store: fixture.services.store).list(
            isResolved: false)
        return try #require(open.first { $0.explanation == "They disagree on refunds" }?.id)
    }

    @Test func anApprovalSentAsTheFormSendsItShowsOnBothPages() async throws {
        let (fixture, ana, admin) = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            let approved = try await client.call(
                .post, "/api/memory/admin/approve?item_id=k-pending", as: admin.token, body: ["id": "k-pending"])
            #expect(approved.status == .ok)
            let browse = try await Self.html(client, "/corporate-memory", as: ana.token)
            #expect(browse.contains(#"<h3 id="item-k-pending">Bob pending idea</h3>"#))
            let review = try await Self.html(client, "/corporate-memory/admin", as: admin.token)
            #expect(!review.contains(#"data-pick="pending" value="k-pending""#))
            #expect(review.contains("<strong>1</strong> pending"))
            #expect(review.contains("<td>root@example.com</td><td>approve</td><td>Bob pending idea<br>"))
            // The bulk forms' bodies: a batch decision and a bulk edit with nested updates.
            let batch = try await client.call(
                .post, "/api/memory/admin/batch", as: admin.token,
                body: ["item_ids": ["k-ana-pending"], "action": "reject", "reason": "too vague"])
            #expect(batch.object["success"] as? [String] == ["k-ana-pending"])
            let bulk = try await client.call(
                .post, "/api/memory/admin/bulk-update", as: admin.token,
                body: ["item_ids": ["k-approved"], "updates": ["tags_add": ["finance"], "domain": "data"]])
            #expect(bulk.status == .ok)
            let mine = try await Self.html(client, "/corporate-memory", as: ana.token)
            #expect(mine.contains(#"<td class="status-rejected">rejected</td>"#))
            #expect(mine.contains(#"<span class="chip">data</span>"#) && mine.contains("#finance"))
            let trail = try await Self.html(client, "/corporate-memory/admin", as: admin.token)
            #expect(trail.contains("reason: too vague") && trail.contains("<td>bulk_update</td>"))
        }
    }

    @Test func storedMarkupInItemsIsShownAsText() async throws {
        let (fixture, ana, admin) = try await Self.fixture()
        try await fixture.knowledge("x-approved", title: Self.hostileTitle, content: Self.hostileContent)
        try await fixture.knowledge(
            "x-pending", title: Self.hostileTitle, content: Self.hostileContent, status: .pending,
            category: #""><script>c</script>"#, tags: ["<b>tag</b>"])
        _ = try await DuckDBKnowledgeContradictionRepository(store: fixture.services.store).create(
            itemAID: "x-approved", itemBID: "k-approved", explanation: Self.hostileContent, severity: "<i>s</i>",
            suggestedResolution: "<script>r</script>", at: Date())
        try await fixture.application.test(.router) { client in
            let pages = [
                try await Self.html(client, "/corporate-memory", as: ana.token),
                try await Self.html(client, "/corporate-memory/admin", as: admin.token),
            ]
            for html in pages {
                #expect(!html.contains("<script>") && !html.contains("<img src") && !html.contains("<b>"))
                #expect(!html.contains("<i>s"))
                #expect(
                    html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
                #expect(html.contains("Use &lt;b&gt;net&lt;/b&gt; &quot;&gt;&lt;img src=y onerror=alert(3)&gt;"))
            }
            #expect(pages[1].contains(#"value="&quot;&gt;&lt;script&gt;c&lt;/script&gt;""#))
            #expect(pages[1].contains("#&lt;b&gt;tag&lt;/b&gt;"))
            #expect(pages[1].contains("<strong>&lt;script&gt;r&lt;/script&gt;</strong>"))
        }
    }

    @Test func longListsArePagedAndPagersKeepTheOtherParameters() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        for index in 0..<101 {
            try await fixture.knowledge(
                String(format: "bulk-%03d", index), title: "Shared fact \(index)", by: "ana@example.com",
                updatedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)))
        }
        try await fixture.application.test(.router) { client in
            let first = try await Self.html(client, "/corporate-memory?q=shared", as: ana.token)
            #expect(first.contains("1–100 of 101"))
            #expect(first.contains(#"href="/corporate-memory?q=shared&amp;page=2""#))
            #expect(first.contains(#"href="/corporate-memory?q=shared&amp;mine_page=2""#))
            let second = try await Self.html(client, "/corporate-memory?q=shared&page=2&mine_page=2", as: ana.token)
            #expect(second.contains("101–101 of 101"))
            #expect(second.contains(#"<h3 id="item-bulk-000">Shared fact 0</h3>"#))
            #expect(second.contains(#"href="/corporate-memory?mine_page=2&amp;q=shared""#))
        }
    }
}
