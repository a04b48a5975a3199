import AgnesCore
import Foundation

/// Admin overrides of the shipped text templates.
public protocol TemplateRepository: Sendable {
    /// The stored override of `kind` (content nil when the default is in use).
    func template(_ kind: TemplateKind) async throws -> StoredTemplate
    /// Stores `content` as the override of `kind`; nil goes back to the default.
    func setTemplate(_ kind: TemplateKind, content: String?, by actor: String?, at time: Date) async throws
}

extension TemplateRepository {
    /// Goes back to the shipped default of `kind`, recording who did it and when.
    public func resetTemplate(_ kind: TemplateKind, by actor: String?, at time: Date) async throws {
        try await setTemplate(kind, content: nil, by: actor, at: time)
    }
}
