import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// Corporate-memory governance, admin only (REFERENCE §1.12): approve, reject, mandate, revoke, edit and
/// batch actions on items named by the `item_id` query parameter, the pending queue, the governance
/// audit, partial and bulk updates. Every change writes an audit row `corporate_memory.<action>` whose
/// `user_id` is the admin's **email** and whose resource is the item id. Contradictions and duplicate
/// candidates are in `MemoryAdminRoutes+Review.swift`.
struct MemoryAdminRoutes {
    let services: AgnesServices

    var items: DuckDBKnowledgeItemRepository { DuckDBKnowledgeItemRepository(store: services.store) }

    /// The status each governance action sets.
    static let actions: [String: KnowledgeStatus] = [
        "approve": .approved, "reject": .rejected, "mandate": .mandatory, "revoke": .revoked,
    ]

    struct ActionRequest: Decodable {
        var reason: String?
        var audience: String?
    }

    struct EditRequest: Decodable {
        let title: String?
        let content: String?
    }

    struct BatchRequest: Decodable {
        let itemIDs: [String]
        let action: String
        let reason: String?
        let audience: String?

        enum CodingKeys: String, CodingKey {
            case action, reason, audience
            case itemIDs = "item_ids"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        for action in ["approve", "reject", "mandate", "revoke"] {
            router.post("/api/memory/admin/\(action)") { request, context in
                let admin = try await services.admin(request, context)
                let id = try MemoryQuery(request).requiredText("item_id")
                let body = try await Self.optionalBody(ActionRequest.self, request, context) ?? ActionRequest()
                guard try await apply(action, to: id, body, by: admin, batch: false) else {
                    throw MemoryWire.itemNotFound
                }
                return JSONBody.response(object: ["id": id, "status": Self.actions[action]!.rawValue])
            }
        }
        router.post("/api/memory/admin/edit") { request, context in
            let admin = try await services.admin(request, context)
            let id = try MemoryQuery(request).requiredText("item_id")
            let body = try await Self.optionalBody(EditRequest.self, request, context)
            guard try await items.find(id: id) != nil else { throw MemoryWire.itemNotFound }
            var changes = KnowledgeItemChanges()
            var params: [String: String] = [:]
            var updated: [String] = []
            if let title = body?.title {
                changes.title = title
                params["title"] = title
                updated.append("title")
            }
            if let content = body?.content {
                changes.content = .some(content)
                params["content"] = content
                updated.append("content")
            }
            if !changes.isEmpty { _ = try await items.update(id: id, with: changes, at: Date()) }
            await audit("edit", by: admin, resource: id, params: params)
            return JSONBody.response(object: Updated(id: id, updated: updated))
        }
        router.post("/api/memory/admin/batch") { request, context in
            let admin = try await services.admin(request, context)
            let body = try await request.decodeJSON(BatchRequest.self, context: context)
            guard Self.actions[body.action] != nil else { throw APIError.badRequest("Invalid action: \(body.action)") }
            var success: [String] = []
            var notFound: [String] = []
            for id in body.itemIDs {
                let action = ActionRequest(reason: body.reason, audience: body.audience)
                if try await apply(body.action, to: id, action, by: admin, batch: true) {
                    success.append(id)
                } else {
                    notFound.append(id)
                }
            }
            return JSONBody.response(object: ["success": success, "not_found": notFound])
        }
        router.get("/api/memory/admin/pending") { request, context in
            _ = try await services.admin(request, context)
            let query = MemoryQuery(request)
            let (page, perPage) = try query.paging(maximum: 1000)
            let filter = KnowledgeItemFilter(
                statuses: [.pending], category: query.text("category"), excludesPersonal: false, limit: perPage,
                offset: (page - 1) * perPage)
            let pending = try await items.list(matching: filter)
            return JSONBody.response(
                object: MemoryRoutes.ItemPage(items: pending.map { KnowledgeItemView(item: $0) }, count: pending.count))
        }
        router.get("/api/memory/admin/audit") { request, context in
            _ = try await services.admin(request, context)
            let query = MemoryQuery(request)
            let (page, perPage) = try query.paging(maximum: 1000)
            var filter = AuditLogFilter(limit: perPage, offset: (page - 1) * perPage)
            if let action = query.text("action") {
                filter.actions = ["corporate_memory.\(action)", "km_\(action)"]
            } else {
                filter.actionPrefixes = ["corporate_memory.", "km_"]
            }
            let entries = try await DuckDBAuditLogRepository(store: services.store).entries(matching: filter)
            return JSONBody.response(object: AuditPage(entries: entries.map(AuditRow.init), count: entries.count))
        }
        registerUpdates(on: router)
        registerReview(on: router)
    }

    /// Moves an item to the action's status (and, for `mandate`, to the given audience) and audits it;
    /// false when the item does not exist.
    func apply(_ action: String, to id: String, _ body: ActionRequest, by admin: AuthenticatedUser, batch: Bool)
        async throws -> Bool
    {
        guard let status = Self.actions[action], try await items.setStatus(id: id, to: status, at: Date()) else {
            return false
        }
        var params: [String: String] = [:]
        params["reason"] = body.reason
        if action == "mandate", let audience = body.audience {
            var changes = KnowledgeItemChanges()
            changes.audience = .some(audience)
            _ = try await items.update(id: id, with: changes, at: Date())
            params["audience"] = audience
        }
        if batch { params["batch"] = "true" }
        await audit(action, by: admin, resource: id, params: params)
        return true
    }

    /// Writes `corporate_memory.<action>` keyed by the admin's email.
    func audit(_ action: String, by admin: AuthenticatedUser, resource: String, params: [String: String]) async {
        await services.audit("corporate_memory.\(action)", userID: admin.user.email, resource: resource, params: params)
    }

    /// A JSON body that may be left out entirely.
    static func optionalBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: AgnesRequestContext)
        async throws -> T?
    {
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return buffer.readableBytes == 0 ? nil : try Request.decodeJSON(T.self, from: buffer)
    }
}
