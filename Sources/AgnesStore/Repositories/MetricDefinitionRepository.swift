import AgnesCore
import Foundation

/// Metric definitions (the semantic layer's metrics), keyed by `<category>/<name>`.
public protocol MetricDefinitionRepository: Sendable {
    /// Creates or replaces a metric. A replaced metric keeps its creation time; `updatedAt` becomes
    /// now. `invalid_value` when `validationJSON` is not JSON.
    @discardableResult
    func upsert(_ metric: MetricDefinition) async throws -> MetricDefinition
    /// The metric with `id`.
    func find(id: String) async throws -> MetricDefinition?
    /// Every metric, or those of one category, ordered by category and name.
    func list(category: String?) async throws -> [MetricDefinition]
    /// Deletes a metric. Returns false when there was no such id.
    @discardableResult
    func delete(id: String) async throws -> Bool
}
