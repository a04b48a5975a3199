import AgnesCore
import AgnesStore
import Hummingbird

extension MemoryRoutes {
    /// The axes `GET /api/memory/tree` groups by, in the original's order.
    enum TreeAxis: String, CaseIterable {
        case domain, category, tag, audience

        /// The buckets an item falls in: one per tag on the tag axis, exactly one on the others; `""` is
        /// the bucket of items without a value (an unset audience is `all`).
        func keys(of item: KnowledgeItem) -> [String] {
            switch self {
            case .domain: [item.domain ?? ""]
            case .category: [item.category ?? ""]
            case .tag: item.tags.isEmpty ? [""] : item.tags
            case .audience: [item.audience.flatMap { $0.isEmpty ? nil : $0 } ?? "all"]
            }
        }

        func label(_ key: String) -> String {
            switch (self, key) {
            case (.domain, ""): "(no domain)"
            case (.category, ""): "(no category)"
            case (.tag, ""): "(no tag)"
            case (.audience, ""), (.audience, "all"): "All users"
            case (.audience, _) where key.hasPrefix("group:"): "Group: " + key.dropFirst("group:".count)
            default: key
            }
        }
    }

    struct TreeGroup: Encodable {
        let key: String
        let label: String
        let count: Int
        let items: [KnowledgeItemView]
    }

    struct Tree: Encodable {
        let axis: String
        let groups: [TreeGroup]
        let page: Int
        let perPage: Int
        let totalGroups: Int
        let totalItems: Int

        enum CodingKeys: String, CodingKey {
            case axis, groups, page
            case perPage = "per_page"
            case totalGroups = "total_groups"
            case totalItems = "total_items"
        }
    }

    /// The most items the tree groups, as in the original.
    static let treeItemLimit = 10_000

    /// `GET /api/memory/tree`: the visible items matching the chip filters, grouped by one axis, paged
    /// over groups; the empty bucket sorts last.
    func tree(_ request: Request, viewer: MemoryViewer) async throws -> Response {
        let query = MemoryQuery(request)
        let axisText = query.raw("axis") ?? TreeAxis.domain.rawValue
        guard let axis = TreeAxis(rawValue: axisText) else {
            throw APIError.badRequest(
                "axis must be one of: \(MemoryWire.pythonList(TreeAxis.allCases.map(\.rawValue)))")
        }
        let (page, perPage) = try query.paging(maximum: 500)
        var filter = viewer.listFilter(excludingPersonal: try query.bool("exclude_personal") ?? true)
        filter.sourceType = query.text("source_type")
        filter.audience = query.text("audience")
        filter.search = query.text("q")
        if try query.bool("has_duplicate") == true { filter.unresolvedRelationType = MemoryWire.duplicateRelation }
        filter.limit = Self.treeItemLimit
        let statusText = query.text("status_filter")
        let status = statusText.flatMap(KnowledgeStatus.init(rawValue:))
        filter.statuses = status.map { [$0] } ?? []
        let found = statusText != nil && status == nil ? [] : try await items.list(matching: filter)

        var buckets: [String: [KnowledgeItem]] = [:]
        for item in found {
            for key in axis.keys(of: item) { buckets[key, default: []].append(item) }
        }
        let ordered = buckets.keys.sorted { left, right in
            if left.isEmpty != right.isEmpty { return right.isEmpty }
            let (l, r) = (left.lowercased(), right.lowercased())
            return l == r ? left < right : l < r
        }
        let start = (page - 1) * perPage
        let groups = ordered.dropFirst(start).prefix(perPage).map { key in
            TreeGroup(
                key: key, label: axis.label(key), count: buckets[key]?.count ?? 0,
                items: (buckets[key] ?? []).map { KnowledgeItemView(item: $0) })
        }
        return JSONBody.response(
            object: Tree(
                axis: axis.rawValue, groups: Array(groups), page: page, perPage: perPage, totalGroups: ordered.count,
                totalItems: buckets.values.reduce(0) { $0 + $1.count }))
    }
}
