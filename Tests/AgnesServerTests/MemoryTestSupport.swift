import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import Testing

extension ServerFixture {
    /// Stores a knowledge item directly.
    @discardableResult
    func knowledge(
        _ id: String, title: String? = nil, content: String = "content", status: KnowledgeStatus = .approved,
        by sourceUser: String? = "owner@example.com", isPersonal: Bool = false, audience: String? = nil,
        domain: String? = nil, category: String? = nil, tags: [String] = [], confidence: Double? = nil,
        updatedAt: Date? = nil
    ) async throws -> KnowledgeItem {
        try await DuckDBKnowledgeItemRepository(store: services.store).create(
            KnowledgeItem(
                id: id, title: title ?? "Title \(id)", content: content, category: category, tags: tags, status: status,
                sourceUser: sourceUser, audience: audience, confidence: confidence, domain: domain,
                isPersonal: isPersonal, createdAt: updatedAt, updatedAt: updatedAt))
    }

    func storedItem(_ id: String) async throws -> KnowledgeItem? {
        try await DuckDBKnowledgeItemRepository(store: services.store).find(id: id)
    }

    /// Puts the user in a new group called `name`; returns the group id.
    @discardableResult
    func join(_ userID: String, group name: String) async throws -> String {
        let groups = DuckDBGroupRepository(store: services.store)
        let group = try await groups.create(name: name, description: nil, createdBy: nil)
        try await groups.addMember(userID: userID, groupID: group.id, source: .admin, addedBy: nil)
        return group.id
    }
}

/// The ids of a list of item objects.
func itemIDs(_ value: Any?) -> [String] {
    (value as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
}
