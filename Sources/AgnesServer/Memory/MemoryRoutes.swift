import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// Corporate memory for every signed-in user (REFERENCE §1.12): browse, count, contribute, vote, flag
/// personal, provenance, the grouped tree and the agent bundle. What each caller may see is decided by
/// ``MemoryViewer``; the admin governance routes are ``MemoryAdminRoutes``.
struct MemoryRoutes {
    let services: AgnesServices
    /// Encoded bundles by viewer, until the next store write (an item, vote, membership or grant
    /// changed) or for a minute (ranks age by the day).
    let bundles: StoreRowCache<ByteBuffer>

    init(services: AgnesServices) {
        self.services = services
        self.bundles = StoreRowCache(store: services.store, lifetime: 60, capacity: 2_000)
    }

    /// The bundle's token budget.
    static let tokenBudget = 6000

    var items: DuckDBKnowledgeItemRepository { DuckDBKnowledgeItemRepository(store: services.store) }
    var votes: DuckDBKnowledgeVoteRepository { DuckDBKnowledgeVoteRepository(store: services.store) }

    struct CreateRequest: Decodable {
        let title: String
        let content: String
        let category: String
        let tags: [String]?
        let domain: String?
        let entities: [String]?
        let sourceType: String?

        enum CodingKeys: String, CodingKey {
            case title, content, category, tags, domain, entities
            case sourceType = "source_type"
        }
    }

    struct VoteRequest: Decodable {
        let vote: Int
    }

    struct PersonalRequest: Decodable {
        let isPersonal: Bool

        enum CodingKeys: String, CodingKey { case isPersonal = "is_personal" }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/memory") { request, context in
            try await list(request, viewer: MemoryViewer(try await services.caller(request, context)))
        }
        router.get("/api/memory/stats") { request, context in
            try await stats(viewer: MemoryViewer(try await services.caller(request, context)))
        }
        router.post("/api/memory") { request, context in
            let caller = try await services.caller(request, context)
            let body = try await request.decodeJSON(CreateRequest.self, context: context)
            return try await create(body, by: caller)
        }
        router.post("/api/memory/:id/vote") { request, context in
            let viewer = MemoryViewer(try await services.caller(request, context))
            let body = try await request.decodeJSON(VoteRequest.self, context: context)
            guard [1, -1, 0].contains(body.vote) else {
                throw APIError.badRequest("Vote must be 1, -1, or 0 (retract)")
            }
            let id = try context.parameters.require("id")
            guard try await viewer.visibleItem(id, in: items) != nil else { throw MemoryWire.itemNotFound }
            try await votes.setVote(KnowledgeVote(rawValue: body.vote), itemID: id, userID: viewer.userID, at: Date())
            let tally = try await votes.tally(itemID: id)
            return JSONBody.response(object: ["upvotes": tally.upvotes, "downvotes": tally.downvotes])
        }
        router.get("/api/memory/my-votes") { request, context in
            try await myVotes(viewer: MemoryViewer(try await services.caller(request, context)))
        }
        router.get("/api/memory/my-contributions") { request, context in
            let viewer = MemoryViewer(try await services.caller(request, context))
            let mine = try await items.list(
                matching: KnowledgeItemFilter(sourceUser: viewer.email, excludesPersonal: false))
            return JSONBody.response(object: ItemPage(items: try await withTallies(mine), count: mine.count))
        }
        router.post("/api/memory/:id/personal") { request, context in
            let viewer = MemoryViewer(try await services.caller(request, context))
            let body = try await request.decodeJSON(PersonalRequest.self, context: context)
            let id = try context.parameters.require("id")
            guard let item = try await viewer.visibleItem(id, in: items) else { throw MemoryWire.itemNotFound }
            guard item.sourceUser == viewer.email else {
                throw APIError(.forbidden, "Only the contributor can flag personal items")
            }
            var changes = KnowledgeItemChanges()
            changes.isPersonal = body.isPersonal
            _ = try await items.update(id: id, with: changes, at: Date())
            return JSONBody.response(object: PersonalFlag(id: id, isPersonal: body.isPersonal))
        }
        router.get("/api/memory/:id/provenance") { request, context in
            let viewer = MemoryViewer(try await services.caller(request, context))
            let id = try context.parameters.require("id")
            guard let item = try await viewer.visibleItem(id, in: items) else { throw MemoryWire.itemNotFound }
            return JSONBody.response(object: Provenance(item: item))
        }
        router.get("/api/memory/tree") { request, context in
            try await tree(request, viewer: MemoryViewer(try await services.caller(request, context)))
        }
        router.get("/api/memory/bundle") { request, context in
            let viewer = MemoryViewer(try await services.caller(request, context))
            let now = Date()
            let body = try await bundles.value(for: viewer.audienceViewerID.map { "user:" + $0 } ?? "admin", now: now) {
                let bundle = try await items.bundle(
                    viewerID: viewer.audienceViewerID, tokenBudget: Self.tokenBudget, now: now)
                let answer = Bundle(
                    mandatory: bundle.mandatory.map { KnowledgeItemView(item: $0) },
                    approved: bundle.approved.map { KnowledgeItemView(item: $0) }, tokenEstimate: bundle.tokenEstimate,
                    tokenBudget: Self.tokenBudget)
                return ByteBuffer(bytes: try JSONBody.encoder.encode(answer))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body ?? ByteBuffer()))
        }
    }

    func list(_ request: Request, viewer: MemoryViewer) async throws -> Response {
        let query = MemoryQuery(request)
        let (page, perPage) = try query.paging(maximum: 1000)
        var filter = viewer.listFilter(excludingPersonal: try query.bool("exclude_personal") ?? true)
        filter.category = query.text("category")
        filter.domain = query.text("domain")
        filter.sourceType = query.text("source_type")
        filter.search = query.text("search")
        var found: [KnowledgeItem] = []
        var total = 0
        // An unknown status matches nothing, as the original's `status = ?` did.
        let statusText = query.text("status_filter")
        let status = statusText.flatMap(KnowledgeStatus.init(rawValue:))
        if statusText == nil || status != nil {
            filter.statuses = status.map { [$0] } ?? []
            total = try await items.count(matching: filter)
            filter.limit = perPage
            filter.offset = (page - 1) * perPage
            found = total > filter.offset ? try await items.list(matching: filter) : []
        }
        return JSONBody.response(
            object: ListPage(
                items: try await withTallies(found), count: found.count, page: page, perPage: perPage,
                totalCount: total, totalPages: (total + perPage - 1) / perPage))
    }

    func stats(viewer: MemoryViewer) async throws -> Response {
        // Admins count personal items too, as the original did; nobody else ever does.
        let stats = try await items.stats(matching: viewer.listFilter(excludingPersonal: false))
        return JSONBody.response(
            object: StatsView(
                total: stats.total, byStatus: stats.byStatus, categories: stats.categories, byDomain: stats.byDomain,
                bySourceType: stats.bySourceType, byTag: stats.byTag, byAudience: stats.byAudience))
    }

    func create(_ body: CreateRequest, by caller: AuthenticatedUser) async throws -> Response {
        try MemoryWire.validate(domain: body.domain)
        let id = UUID().uuidString.lowercased()
        var tags = body.tags ?? []
        if let tagger = services.topicTagger, let topics = try? await tagger(body.title, body.content) {
            var seen = Set<String>()
            tags = (topics + tags).filter { seen.insert($0).inserted }
        }
        var item = KnowledgeItem(
            id: id, title: body.title, content: body.content, category: body.category, tags: tags, status: .pending,
            contributors: [caller.user.email], sourceUser: caller.user.email, confidence: 0.5,
            domain: body.domain?.isEmpty == false ? body.domain : nil, entities: body.entities ?? [])
        if let sourceType = body.sourceType { item.sourceType = sourceType }
        _ = try await items.create(item)
        return JSONBody.response(status: .created, object: ["id": id, "status": KnowledgeStatus.pending.rawValue])
    }

    /// The caller's votes on items they may still see: their own items and visible non-personal ones.
    func myVotes(viewer: MemoryViewer) async throws -> Response {
        let cast = try await votes.votes(userID: viewer.userID)
        var visible = Set(cast.keys)
        if !viewer.isAdmin, !cast.isEmpty {
            var shared = viewer.listFilter()
            shared.ids = Array(cast.keys)
            let own = KnowledgeItemFilter(ids: Array(cast.keys), sourceUser: viewer.email, excludesPersonal: false)
            visible = Set(try await items.list(matching: shared).map(\.id))
                .union(try await items.list(matching: own).map(\.id))
        }
        return JSONBody.response(object: cast.filter { visible.contains($0.key) }.mapValues(\.rawValue))
    }

    /// The items with their vote counts, read in one query.
    func withTallies(_ found: [KnowledgeItem]) async throws -> [KnowledgeItemView] {
        let tallies = try await votes.tallies(itemIDs: found.map(\.id))
        return found.map { KnowledgeItemView(item: $0, tally: tallies[$0.id] ?? VoteTally()) }
    }
}
