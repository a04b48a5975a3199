import AgnesCore
import Foundation

/// Corporate-memory items.
public protocol KnowledgeItemRepository: Sendable {
    /// Stores a new item; `.conflict` when the id is taken. A nil `createdAt` means now.
    func create(_ item: KnowledgeItem) async throws -> KnowledgeItem
    /// The item with `id`.
    func find(id: String) async throws -> KnowledgeItem?
    /// The item with `id` when its audience lets the user with `viewerID` see it (see
    /// ``KnowledgeItemFilter/viewerID``); personal flags are not considered.
    func find(id: String, visibleTo viewerID: String) async throws -> KnowledgeItem?
    /// Matching items, most recently updated first.
    func list(matching filter: KnowledgeItemFilter) async throws -> [KnowledgeItem]
    /// How many items match (ignoring the filter's limit and offset).
    func count(matching filter: KnowledgeItemFilter) async throws -> Int
    /// Counts of the matching items by status, domain, source type, tag and audience (limit and offset
    /// ignored).
    func stats(matching filter: KnowledgeItemFilter) async throws -> KnowledgeStats
    /// The agent bundle for a viewer (nil: everything, for admins): every visible mandatory item, then
    /// approved items ranked by `confidence (default 0.5) × max(0, 1 − age_days/365)` of `updated_at`
    /// while they fit in what `tokenBudget` leaves. Personal items are never included.
    func bundle(viewerID: String?, tokenBudget: Int, now: Date) async throws -> KnowledgeBundle
    /// Items of `domain` other than `excluding` sharing at least `minimumShared` of `entities` (compared
    /// lowercased, each counted once), with how many they share and the size of both sets' union;
    /// the `limit` highest Jaccard scores (shared ÷ union) first.
    func entityOverlaps(domain: String, excluding id: String, entities: [String], minimumShared: Int, limit: Int)
        async throws -> [EntityOverlap]
    /// Moves an item to `status`. Returns false when absent.
    @discardableResult
    func setStatus(id: String, to status: KnowledgeStatus, at time: Date) async throws -> Bool
    /// Applies a partial update and returns the updated item; nil when absent.
    func update(id: String, with changes: KnowledgeItemChanges, at time: Date) async throws -> KnowledgeItem?
    /// Deletes an item with its votes, evidence, contradictions and relations, in one transaction.
    /// Returns false when absent.
    @discardableResult
    func delete(id: String) async throws -> Bool
}

/// An item sharing entities with another (see ``KnowledgeItemRepository/entityOverlaps``).
public struct EntityOverlap: Sendable, Hashable {
    public let id: String
    public let shared: Int
    public let union: Int

    public init(id: String, shared: Int, union: Int) {
        self.id = id
        self.shared = shared
        self.union = union
    }

    /// shared ÷ union.
    public var jaccard: Double { union == 0 ? 0 : Double(shared) / Double(union) }
}
