import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

extension MemoryAdminRoutes {
    /// The fields `PATCH /api/memory/admin/{id}` changes.
    static let patchableFields: Set<String> = ["title", "content", "category", "domain", "tags", "audience"]
    /// The only keys `POST /api/memory/admin/bulk-update` accepts: status, the personal flag and the
    /// like go through their own governance routes and audit rows.
    static let bulkFields: Set<String> = patchableFields.union(["tags_add", "tags_remove"])

    func registerUpdates(on router: Router<AgnesRequestContext>) {
        router.patch("/api/memory/admin/:id") { request, context in
            let admin = try await services.admin(request, context)
            let id = try context.parameters.require("id")
            let body = try await Self.jsonObject(request, context)
            guard try await items.find(id: id) != nil else { throw MemoryWire.itemNotFound }
            let fields = body.filter { Self.patchableFields.contains($0.key) }
            let changes = try Self.changes(from: fields)
            let updated = fields.keys.sorted()
            guard !updated.isEmpty else { return JSONBody.response(object: Updated(id: id, updated: [])) }
            _ = try await items.update(id: id, with: changes, at: Date())
            await audit("update_item", by: admin, resource: id, params: ["updated_fields": Self.listText(updated)])
            return JSONBody.response(object: Updated(id: id, updated: updated))
        }
        router.post("/api/memory/admin/bulk-update") { request, context in
            let admin = try await services.admin(request, context)
            let body = try await Self.jsonObject(request, context)
            guard let ids = body["item_ids"] as? [String] else {
                throw APIError(.unprocessableContent, "field required: item_ids")
            }
            guard let updates = body["updates"] as? [String: Any] else {
                throw APIError(.unprocessableContent, "field required: updates")
            }
            let disallowed = updates.keys.filter { !Self.bulkFields.contains($0) }.sorted()
            guard disallowed.isEmpty else {
                throw APIError.badRequest(
                    "updates contains disallowed field(s): \(MemoryWire.pythonList(disallowed)). "
                        + "Allowed: \(MemoryWire.pythonList(Self.bulkFields.sorted()))")
            }
            let changes = try Self.changes(from: updates.filter { Self.patchableFields.contains($0.key) })
            let tagsAdd = try Self.stringList(updates["tags_add"], "tags_add") ?? []
            let tagsRemove = Set(try Self.stringList(updates["tags_remove"], "tags_remove") ?? [])
            let fields = updates.keys.sorted()
            var updated: [String] = []
            var notFound: [String] = []
            for id in ids {
                guard let item = try await items.find(id: id) else {
                    notFound.append(id)
                    continue
                }
                var itemChanges = changes
                // An explicit `tags` list wins; otherwise additions and removals apply to the item's own tags.
                if changes.tags == nil, !tagsAdd.isEmpty || !tagsRemove.isEmpty {
                    var tags = item.tags
                    for tag in tagsAdd where !tags.contains(tag) { tags.append(tag) }
                    itemChanges.tags = tags.filter { !tagsRemove.contains($0) }
                }
                if !itemChanges.isEmpty { _ = try await items.update(id: id, with: itemChanges, at: Date()) }
                updated.append(id)
                await audit(
                    "bulk_update", by: admin, resource: id,
                    params: ["updated_fields": Self.listText(fields), "batch": "true"])
            }
            return JSONBody.response(object: BulkResult(updated: updated, notFound: notFound))
        }
    }

    struct BulkResult: Encodable {
        let updated: [String]
        let notFound: [String]
        /// Per-item failures; every failure here is a store error, which fails the whole request instead.
        var errors: [String: String] = [:]

        enum CodingKeys: String, CodingKey {
            case updated, errors
            case notFound = "not_found"
        }
    }

    /// The change set of PATCH-like fields: an explicit null clears a field (tags become empty); a null
    /// title is a 400, a domain outside the fixed ones a 400 (an empty domain clears it).
    static func changes(from fields: [String: Any]) throws -> KnowledgeItemChanges {
        var changes = KnowledgeItemChanges()
        if let domain = fields["domain"] {
            let text = try optionalText(domain, "domain")
            try MemoryWire.validate(domain: text)
            changes.domain = .some(text?.isEmpty == false ? text : nil)
        }
        if let title = fields["title"] {
            guard let text = try optionalText(title, "title") else { throw APIError.badRequest("title cannot be null") }
            changes.title = text
        }
        if let content = fields["content"] { changes.content = .some(try optionalText(content, "content")) }
        if let category = fields["category"] { changes.category = .some(try optionalText(category, "category")) }
        if let audience = fields["audience"] { changes.audience = .some(try optionalText(audience, "audience")) }
        if let tags = fields["tags"] { changes.tags = try stringList(tags, "tags") ?? [] }
        return changes
    }

    static func optionalText(_ value: Any, _ name: String) throws -> String? {
        if value is NSNull { return nil }
        guard let text = value as? String else {
            throw APIError(.unprocessableContent, "invalid type for \(name): expected a string")
        }
        return text
    }

    static func stringList(_ value: Any?, _ name: String) throws -> [String]? {
        guard let value, !(value is NSNull) else { return nil }
        guard let list = value as? [String] else {
            throw APIError(.unprocessableContent, "invalid type for \(name): expected a list of strings")
        }
        return list
    }

    /// A JSON list of names, as audit params hold them.
    static func listText(_ names: [String]) -> String {
        String(decoding: (try? JSONBody.encoder.encode(names)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The body as a JSON object (422 otherwise).
    static func jsonObject(_ request: Request, _ context: AgnesRequestContext) async throws -> [String: Any] {
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        else { throw APIError(.unprocessableContent, "the body is not valid JSON") }
        return object
    }
}
