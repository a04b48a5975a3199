import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

extension MemoryPages {
    /// The choices of `POST /api/memory/admin/contradictions/{id}/resolve`, in words.
    static let contradictionChoices: [(value: String, label: String)] = [
        ("kept_a", "Keep A"), ("kept_b", "Keep B"), ("merged", "Merged"), ("both_valid", "Both are valid"),
    ]
    /// The choices of `POST /api/memory/admin/duplicate-candidates/resolve`, in words.
    static let duplicateChoices: [(value: String, label: String)] = [
        ("duplicate", "They are duplicates"), ("different", "They are different"), ("dismissed", "Dismiss"),
    ]

    /// `/corporate-memory/admin`: four lists, each paged by its own parameter.
    func review(for caller: AuthenticatedUser, request: Request) async throws -> Response {
        let store = services.store
        let byStatus = try await items.statusCounts(matching: KnowledgeItemFilter(excludesPersonal: false))

        var queue = KnowledgeItemFilter(statuses: [.pending], excludesPersonal: false)
        let queuePaging = WebPaging(total: try await items.count(matching: queue), request: request)
        queue.limit = queuePaging.pageSize
        queue.offset = queuePaging.range.lowerBound
        let pending = queuePaging.range.isEmpty ? [] : try await items.list(matching: queue)

        let open = try await DuckDBKnowledgeContradictionRepository(store: store).list(isResolved: false)
        let openPaging = WebPaging(total: open.count, request: request, parameter: "contradictions_page")
        let shownOpen = open[openPaging.range]
        let candidates = try await DuckDBKnowledgeRelationRepository(store: store).list(
            type: MemoryWire.duplicateRelation, isResolved: false, limit: nil)
        let candidatePaging = WebPaging(total: candidates.count, request: request, parameter: "duplicates_page")
        let shownCandidates = candidates[candidatePaging.range]

        let audit = DuckDBAuditLogRepository(store: store)
        var trail = AuditLogFilter(actionPrefixes: ["corporate_memory.", "km_"])
        let auditPaging = WebPaging(
            total: try await audit.count(matching: trail), request: request, parameter: "audit_page")
        trail.limit = auditPaging.pageSize
        trail.offset = auditPaging.range.lowerBound
        let entries = auditPaging.range.isEmpty ? [] : try await audit.entries(matching: trail)

        let pairIDs =
            shownOpen.flatMap { [$0.itemAID, $0.itemBID] } + shownCandidates.flatMap { [$0.itemAID, $0.itemBID] }
        let paired = try await itemsByID(pairIDs + entries.compactMap(\.resource))

        let kept = [
            "page": queuePaging, "contradictions_page": openPaging, "duplicates_page": candidatePaging,
            "audit_page": auditPaging,
        ].mapValues { $0.page > 1 ? String($0.page) : "" }
        let path = "/corporate-memory/admin"
        let values: [String: Any] = [
            "counts": KnowledgeStatus.allCases.map {
                ["count_status": $0.rawValue, "count_value": DashboardPage.count(byStatus[$0.rawValue] ?? 0)]
            },
            "count_total": DashboardPage.count(byStatus.values.reduce(0, +)),
            "has_pending": !pending.isEmpty, "pending_total": DashboardPage.count(queuePaging.total),
            "pending": pending.map(Self.pendingRow), "queue_pager": queuePaging.values(path: path, query: kept),
            "domains": MemoryWire.domains.map { ["option_value": $0, "option_selected": false] },
            "has_contradictions": !shownOpen.isEmpty, "contradictions_total": DashboardPage.count(open.count),
            "contradictions": shownOpen.map { Self.contradictionRow($0, paired: paired) },
            "contradictions_pager": openPaging.values(path: path, query: kept),
            "has_duplicates": !shownCandidates.isEmpty, "duplicates_total": DashboardPage.count(candidates.count),
            "duplicates": shownCandidates.map { Self.duplicateRow($0, paired: paired) },
            "duplicates_pager": candidatePaging.values(path: path, query: kept),
            "has_audit": !entries.isEmpty,
            "audit": entries.map { Self.auditRow($0, paired: paired) },
            "audit_pager": auditPaging.values(path: path, query: kept),
        ]
        // An admin page: "Admin" is its place in the navigation.
        let page = WebPage(
            template: "memory_admin", title: "Corporate memory review", path: "/admin/corporate-memory", caller: caller,
            values: values)
        return page.response(instanceName: services.settings.instanceName)
    }

    /// The items with these ids, personal ones included (admins), read in one query.
    func itemsByID(_ ids: [String]) async throws -> [String: KnowledgeItem] {
        guard !ids.isEmpty else { return [:] }
        let found = try await items.list(matching: KnowledgeItemFilter(ids: Array(Set(ids)), excludesPersonal: false))
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func pendingRow(_ item: KnowledgeItem) -> [String: Any] {
        var row = labels(of: item, prefix: "pending")
        row["pending_audience"] = item.audience ?? ""
        row["pending_domains"] = MemoryWire.domains.map { ["option_value": $0, "option_selected": $0 == item.domain] }
        row["pending_created"] = (item.createdAt ?? item.updatedAt).map(DashboardPage.day) ?? "–"
        row["pending_source"] = item.sourceType ?? "unknown"
        return row
    }

    /// A contradiction with both items side by side and its suggested resolution preselected.
    static func contradictionRow(_ row: KnowledgeContradiction, paired: [String: KnowledgeItem]) -> [String: Any] {
        let suggested = row.suggestedResolution ?? ""
        let known = contradictionChoices.first { $0.value == suggested }
        return [
            "contradiction_id": row.id,
            "contradiction_explanation": row.explanation ?? "",
            "has_contradiction_explanation": !(row.explanation ?? "").isEmpty,
            "contradiction_severity": row.severity ?? "", "has_contradiction_severity": !(row.severity ?? "").isEmpty,
            "contradiction_suggested": known?.label ?? suggested, "has_contradiction_suggested": !suggested.isEmpty,
            "contradiction_detected": row.detectedAt.map(DashboardPage.day) ?? "–",
            "side_a": side("A", row.itemAID, paired), "side_b": side("B", row.itemBID, paired),
            "choices": contradictionChoices.map {
                ["choice_value": $0.value, "choice_label": $0.label, "choice_selected": $0.value == suggested]
            },
        ]
    }

    /// A pair of likely duplicates, with its similarity.
    static func duplicateRow(_ row: KnowledgeRelation, paired: [String: KnowledgeItem]) -> [String: Any] {
        [
            "duplicate_a": row.itemAID, "duplicate_b": row.itemBID,
            "duplicate_score": row.score.map { String(format: "%.2f", $0) } ?? "–",
            "side_a": side("A", row.itemAID, paired), "side_b": side("B", row.itemBID, paired),
            "choices": duplicateChoices.map {
                ["choice_value": $0.value, "choice_label": $0.label, "choice_selected": false]
            },
        ]
    }

    /// One side of a pair. A personal item's text stays hidden, as the admin API hides it by default;
    /// an item that is gone says so.
    static func side(_ letter: String, _ id: String, _ paired: [String: KnowledgeItem]) -> [String: Any] {
        var side: [String: Any] = [
            "side_letter": letter, "side_id": id, "side_is_item": false, "side_is_hidden": false,
            "side_is_missing": false, "side_title": "", "side_content": "", "side_meta": "",
            "side_can_revoke": paired[id].map { $0.status != .revoked } ?? false,
        ]
        guard let item = paired[id] else {
            side["side_is_missing"] = true
            return side
        }
        guard !item.isPersonal else {
            side["side_is_hidden"] = true
            return side
        }
        side["side_is_item"] = true
        side["side_title"] = item.title
        side["side_content"] = item.content ?? ""
        side["side_meta"] = [item.status.rawValue, item.category, item.domain, item.sourceUser.map { "by " + $0 }]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        return side
    }

    /// An audit entry: when, who, what, on which item (its title when it still exists), and its params.
    static func auditRow(_ entry: AuditEntry, paired: [String: KnowledgeItem]) -> [String: Any] {
        let resource = entry.resource ?? ""
        let title = paired[resource]?.title ?? ""
        let action =
            entry.action.hasPrefix("corporate_memory.")
            ? String(entry.action.dropFirst("corporate_memory.".count)) : entry.action
        return [
            "audit_time": String(entry.timestamp.wireText.prefix(19)).replacingOccurrences(of: "T", with: " "),
            "audit_user": entry.userID ?? "system", "audit_action": action, "audit_resource": resource,
            "audit_title": title, "has_audit_title": !title.isEmpty,
            "audit_params": (entry.params ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                .joined(separator: "; "),
        ]
    }
}
