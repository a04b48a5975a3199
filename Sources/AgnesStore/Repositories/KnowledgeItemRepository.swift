import AgnesCore
import Foundation

/// Corporate-memory items.
public protocol KnowledgeItemRepository: Sendable {
    /// Stores a new item; `.conflict` when the id is taken. A nil `createdAt` means now.
    func create(_ item: KnowledgeItem) async throws -> KnowledgeItem
    /// The item with `id`.
    func find(id: String) async throws -> KnowledgeItem?
    /// Matching items, most recently updated first.
    func list(matching filter: KnowledgeItemFilter) async throws -> [KnowledgeItem]
    /// How many items match (ignoring the filter's limit and offset).
    func count(matching filter: KnowledgeItemFilter) async throws -> Int
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
