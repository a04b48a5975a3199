import AgnesCore
import Foundation

/// Detected relations between pairs of knowledge items (duplicate candidates and the like). Pairs are
/// unordered: (a, b) and (b, a) name the same relation, stored as (min, max).
public protocol KnowledgeRelationRepository: Sendable {
    /// Records a relation, or updates its score when it already exists (a verdict already given stays).
    @discardableResult
    func upsert(itemID: String, otherItemID: String, type: String, score: Double?, at time: Date) async throws
        -> KnowledgeRelation
    /// Records relations of one item with many others in one transaction, each as ``upsert``.
    func upsert(itemID: String, others: [(id: String, score: Double?)], type: String, at time: Date) async throws
    /// The relations one item takes part in, on either side.
    func list(itemID: String) async throws -> [KnowledgeRelation]
    /// Relations, strongest first; `isResolved` nil lists both resolved and unresolved ones.
    func list(isResolved: Bool?, limit: Int?) async throws -> [KnowledgeRelation]
    /// Relations of one type, strongest first; `isResolved` nil lists both resolved and unresolved ones.
    func list(type: String, isResolved: Bool?, limit: Int?) async throws -> [KnowledgeRelation]
    /// Records a verdict on the pair's relations (of `type`, or of every type when nil). Returns how
    /// many relations were resolved; 0 when the pair has none.
    @discardableResult
    func resolve(
        itemID: String, otherItemID: String, type: String?, resolution: String, by actor: String?, at time: Date
    ) async throws -> Int
}
