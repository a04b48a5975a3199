import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

extension MemoryAdminRoutes {
    static let contradictionResolutions = ["kept_a", "kept_b", "merged", "both_valid"]
    static let duplicateResolutions = ["duplicate", "different", "dismissed"]

    var contradictions: DuckDBKnowledgeContradictionRepository {
        DuckDBKnowledgeContradictionRepository(store: services.store)
    }
    var relations: DuckDBKnowledgeRelationRepository { DuckDBKnowledgeRelationRepository(store: services.store) }

    struct CreateContradictionRequest: Decodable {
        let itemAID: String
        let itemBID: String
        let explanation: String
        let severity: String?
        let suggestedResolution: String?

        enum CodingKeys: String, CodingKey {
            case explanation, severity
            case itemAID = "item_a_id"
            case itemBID = "item_b_id"
            case suggestedResolution = "suggested_resolution"
        }
    }

    struct ResolveRequest: Decodable {
        let resolution: String
    }

    func registerReview(on router: Router<AgnesRequestContext>) {
        router.get("/api/memory/admin/contradictions") { request, context in
            _ = try await services.admin(request, context)
            let query = MemoryQuery(request)
            let hidesPersonal = try query.bool("exclude_personal") ?? true
            let rows = try await contradictions.list(isResolved: try query.bool("resolved"))
            let paired = try await itemsByID(rows.flatMap { [$0.itemAID, $0.itemBID] })
            let views = rows.map { row in
                ContradictionView(
                    contradiction: row, itemA: PairedItemView(paired[row.itemAID], hidesPersonal: hidesPersonal),
                    itemB: PairedItemView(paired[row.itemBID], hidesPersonal: hidesPersonal))
            }
            return JSONBody.response(object: ContradictionPage(contradictions: views, count: views.count))
        }
        router.post("/api/memory/admin/contradictions") { request, context in
            _ = try await services.admin(request, context)
            let body = try await request.decodeJSON(CreateContradictionRequest.self, context: context)
            guard try await items.find(id: body.itemAID) != nil else {
                throw APIError.notFound("Item A not found: \(body.itemAID)")
            }
            guard try await items.find(id: body.itemBID) != nil else {
                throw APIError.notFound("Item B not found: \(body.itemBID)")
            }
            let created = try await contradictions.create(
                itemAID: body.itemAID, itemBID: body.itemBID, explanation: body.explanation, severity: body.severity,
                suggestedResolution: body.suggestedResolution, at: Date())
            return JSONBody.response(object: ["id": created.id])
        }
        router.post("/api/memory/admin/contradictions/:id/resolve") { request, context in
            let admin = try await services.admin(request, context)
            let id = try context.parameters.require("id")
            let body = try await request.decodeJSON(ResolveRequest.self, context: context)
            guard let found = try await contradictions.find(id: id) else {
                throw APIError.notFound("Contradiction not found")
            }
            let alreadyResolved = APIError.badRequest("Contradiction already resolved")
            guard !found.isResolved else { throw alreadyResolved }
            guard Self.contradictionResolutions.contains(body.resolution) else {
                throw APIError.badRequest(
                    "Resolution must be one of: \(MemoryWire.pythonList(Self.contradictionResolutions))")
            }
            do {
                _ = try await contradictions.resolve(
                    id: id, resolution: body.resolution, by: admin.user.email, at: Date())
            } catch let error as StoreError where error.code == .conflict {
                throw alreadyResolved
            }
            await audit(
                "resolve_contradiction", by: admin, resource: id,
                params: ["resolution": body.resolution, "item_a_id": found.itemAID, "item_b_id": found.itemBID])
            return JSONBody.response(object: ResolvedContradiction(id: id, resolution: body.resolution))
        }
        router.get("/api/memory/admin/duplicate-candidates") { request, context in
            _ = try await services.admin(request, context)
            let query = MemoryQuery(request)
            let hidesPersonal = try query.bool("exclude_personal") ?? true
            let rows = try await relations.list(
                type: MemoryWire.duplicateRelation, isResolved: try query.bool("resolved"),
                limit: max(try query.int("limit", default: 100), 0))
            let paired = try await itemsByID(rows.flatMap { [$0.itemAID, $0.itemBID] })
            let views = rows.map { row in
                RelationView(
                    relation: row, itemA: PairedItemView(paired[row.itemAID], hidesPersonal: hidesPersonal),
                    itemB: PairedItemView(paired[row.itemBID], hidesPersonal: hidesPersonal))
            }
            return JSONBody.response(object: RelationPage(relations: views, count: views.count))
        }
        router.post("/api/memory/admin/duplicate-candidates/resolve") { request, context in
            let admin = try await services.admin(request, context)
            let query = MemoryQuery(request)
            let (first, second) = (try query.requiredText("item_a_id"), try query.requiredText("item_b_id"))
            let body = try await request.decodeJSON(ResolveRequest.self, context: context)
            guard Self.duplicateResolutions.contains(body.resolution) else {
                throw APIError.badRequest(
                    "resolution must be one of: \(MemoryWire.pythonList(Self.duplicateResolutions))")
            }
            let (a, b) = first.utf8.lexicographicallyPrecedes(second.utf8) ? (first, second) : (second, first)
            let existing = try await relations.list(itemID: a).first {
                $0.itemAID == a && $0.itemBID == b && $0.relationType == MemoryWire.duplicateRelation
            }
            guard let existing else { throw APIError.notFound("Duplicate-candidate relation not found") }
            guard !existing.isResolved else { throw APIError.badRequest("Relation already resolved") }
            try await relations.resolve(
                itemID: a, otherItemID: b, type: MemoryWire.duplicateRelation, resolution: body.resolution,
                by: admin.user.email, at: Date())
            await audit(
                "resolve_duplicate", by: admin, resource: "\(a)::\(b)",
                params: ["resolution": body.resolution, "item_a_id": a, "item_b_id": b])
            return JSONBody.response(object: ResolvedPair(itemAID: a, itemBID: b, resolution: body.resolution))
        }
    }

    /// The items with these ids, read in one query.
    func itemsByID(_ ids: [String]) async throws -> [String: KnowledgeItem] {
        guard !ids.isEmpty else { return [:] }
        let found = try await items.list(matching: KnowledgeItemFilter(ids: Array(Set(ids)), excludesPersonal: false))
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
