import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `/corporate-memory`: the approved and mandatory knowledge the caller may see (searchable, by domain,
/// category and status, paged), each item with its votes and the caller's own vote; the caller's
/// contributions with their review status and personal flag; a form to contribute. `/corporate-memory/admin`
/// (admins; 403 for others): the review queue, status counts, contradictions, duplicate candidates and
/// the audit trail of memory governance. What is shown follows ``MemoryViewer``, as the JSON API does,
/// and every action is a form that calls the memory API (``MemoryRoutes``, ``MemoryAdminRoutes``).
struct MemoryPages {
    let services: AgnesServices

    var items: DuckDBKnowledgeItemRepository { DuckDBKnowledgeItemRepository(store: services.store) }
    var votes: DuckDBKnowledgeVoteRepository { DuckDBKnowledgeVoteRepository(store: services.store) }

    /// What the browse list shows: the items that passed review.
    static let shownStatuses: [KnowledgeStatus] = [.mandatory, .approved]

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/corporate-memory") { request, context in
            let caller = try await services.caller(request, context)
            return try await browse(for: caller, request: request)
        }
        router.get("/corporate-memory/admin") { request, context in
            try await services.adminPage(request, context) { caller in try await review(for: caller, request: request) }
        }
    }

    func browse(for caller: AuthenticatedUser, request: Request) async throws -> Response {
        let viewer = MemoryViewer(caller)
        let parameters = request.uri.queryParameters
        let query = (parameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
        let domain = parameters.get("domain") ?? ""
        let category = parameters.get("category") ?? ""
        let status = KnowledgeStatus(rawValue: parameters.get("status") ?? "").flatMap {
            Self.shownStatuses.contains($0) ? $0 : nil
        }
        var reviewed = viewer.listFilter()
        reviewed.statuses = Self.shownStatuses
        var filter = reviewed
        filter.statuses = status.map { [$0] } ?? Self.shownStatuses
        filter.search = query.isEmpty ? nil : query
        filter.domain = domain.isEmpty ? nil : domain
        filter.category = category.isEmpty ? nil : category

        let paging = WebPaging(total: try await items.count(matching: filter), request: request)
        filter.limit = paging.pageSize
        filter.offset = paging.range.lowerBound
        let shown = paging.range.isEmpty ? [] : try await items.list(matching: filter)
        let tallies = try await votes.tallies(itemIDs: shown.map(\.id))
        let myVotes = try await votes.votes(userID: caller.user.id)
        let categories = try await items.categories(matching: reviewed)

        var own = KnowledgeItemFilter(sourceUser: caller.user.email, excludesPersonal: false)
        let ownPaging = WebPaging(
            total: try await items.count(matching: own), request: request, parameter: "mine_page")
        own.limit = ownPaging.pageSize
        own.offset = ownPaging.range.lowerBound
        let mine = ownPaging.range.isEmpty ? [] : try await items.list(matching: own)

        let kept = [
            "q": query, "domain": domain, "category": category, "status": status?.rawValue ?? "",
            "page": paging.page > 1 ? String(paging.page) : "",
            "mine_page": ownPaging.page > 1 ? String(ownPaging.page) : "",
        ]
        let values: [String: Any] = [
            "query": query, "has_filters": !query.isEmpty || !domain.isEmpty || !category.isEmpty || status != nil,
            "shown": DashboardPage.count(paging.total), "has_items": !shown.isEmpty,
            "items": shown.map { Self.itemRow($0, tally: tallies[$0.id] ?? VoteTally(), myVote: myVotes[$0.id]) },
            "items_pager": paging.values(path: "/corporate-memory", query: kept),
            "domains": MemoryWire.domains.map { ["option_value": $0, "option_selected": $0 == domain] },
            "new_domains": MemoryWire.domains.map { ["option_value": $0, "option_selected": false] },
            "categories": categories.map { ["option_value": $0, "option_selected": $0 == category] },
            "statuses": Self.shownStatuses.map {
                ["option_value": $0.rawValue, "option_selected": $0 == status] as [String: Any]
            },
            "has_mine": !mine.isEmpty, "mine_count": DashboardPage.count(ownPaging.total),
            "mine": mine.map(Self.contributionRow),
            "mine_pager": ownPaging.values(path: "/corporate-memory", query: kept),
        ]
        let page = WebPage(
            template: "memory", title: "Corporate memory", path: "/corporate-memory", caller: caller, values: values)
        return page.response(instanceName: services.settings.instanceName)
    }

    /// One item of the browse list: its text, labels, votes, and the vote buttons (pressing the vote
    /// one has cast takes it back: the API's vote 0).
    static func itemRow(_ item: KnowledgeItem, tally: VoteTally, myVote: KnowledgeVote?) -> [String: Any] {
        var row = labels(of: item, prefix: "item")
        row["item_mandatory"] = item.status == .mandatory
        row["item_upvotes"] = DashboardPage.count(tally.upvotes)
        row["item_downvotes"] = DashboardPage.count(tally.downvotes)
        row["item_score"] = DashboardPage.count(tally.score)
        row["item_up_value"] = myVote == .up ? 0 : 1
        row["item_down_value"] = myVote == .down ? 0 : -1
        row["item_up_pressed"] = myVote == .up ? "true" : "false"
        row["item_down_pressed"] = myVote == .down ? "true" : "false"
        row["item_up_label"] = myVote == .up ? "Take back your up vote" : "Vote up"
        row["item_down_label"] = myVote == .down ? "Take back your down vote" : "Vote down"
        row["item_my_vote"] =
            switch myVote {
            case .up: "You voted up."
            case .down: "You voted down."
            case nil: "You have not voted."
            }
        return row
    }

    /// One of the caller's own items: its review status and the personal flag's switch.
    static func contributionRow(_ item: KnowledgeItem) -> [String: Any] {
        var row = labels(of: item, prefix: "mine")
        row["mine_status"] = item.status.rawValue
        row["mine_personal"] = item.isPersonal
        row["mine_personal_next"] = item.isPersonal ? "false" : "true"
        row["mine_personal_action"] = item.isPersonal ? "Share with the team" : "Mark personal"
        row["mine_updated"] = (item.updatedAt ?? item.createdAt).map(DashboardPage.day) ?? "–"
        return row
    }

    /// An item's id, title, content, category, domain and tags under `<prefix>_…` keys, every optional
    /// text with its `has_<prefix>_…` flag, so that a missing value never picks up an outer one.
    static func labels(of item: KnowledgeItem, prefix: String) -> [String: Any] {
        let content = item.content ?? ""
        let category = item.category ?? ""
        let domain = item.domain ?? ""
        return [
            "\(prefix)_id": item.id, "\(prefix)_title": item.title,
            "\(prefix)_content": content, "has_\(prefix)_content": !content.isEmpty,
            "\(prefix)_category": category, "has_\(prefix)_category": !category.isEmpty,
            "\(prefix)_domain": domain, "has_\(prefix)_domain": !domain.isEmpty,
            "\(prefix)_tags": item.tags.map { ["tag_name": $0] }, "has_\(prefix)_tags": !item.tags.isEmpty,
            "\(prefix)_tags_text": item.tags.joined(separator: ", "),
            "\(prefix)_personal": item.isPersonal, "\(prefix)_by": item.sourceUser ?? "unknown",
        ]
    }
}
