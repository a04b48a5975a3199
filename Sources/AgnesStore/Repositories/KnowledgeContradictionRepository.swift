import AgnesCore
import Foundation

/// Contradictions between knowledge items, awaiting an admin's verdict.
public protocol KnowledgeContradictionRepository: Sendable {
    /// Records a contradiction with a fresh `kc_<12 hex>` id and returns it.
    func create(
        itemAID: String, itemBID: String, explanation: String?, severity: String?, suggestedResolution: String?,
        at time: Date
    ) async throws -> KnowledgeContradiction
    /// The contradiction with `id`.
    func find(id: String) async throws -> KnowledgeContradiction?
    /// Contradictions, newest first; `isResolved` nil lists both resolved and unresolved ones.
    func list(isResolved: Bool?) async throws -> [KnowledgeContradiction]
    /// Settles a contradiction and returns it. `.notFound` when absent, `.conflict` when already resolved.
    func resolve(id: String, resolution: String, by actor: String?, at time: Date) async throws
        -> KnowledgeContradiction
}
