import AgnesCore
import AgnesStore
import Logging

extension PromptKind {
    /// The admin override, if one is stored.
    func stored(_ services: AgnesServices) async throws -> StoredTemplate {
        try await DuckDBTemplateRepository(store: services.store).template(kind)
    }

    /// The text for `context`: the stored override when there is one, else the default. An override
    /// that no longer renders (stored before a check existed, or using a variable since removed) is
    /// logged and replaced by the default: a broken template never turns into a 500.
    func render(_ context: TemplateValue, override source: String?, logger: Logger) throws -> String {
        if let source {
            do {
                return try PromptTemplate(source).render(context)
            } catch {
                logger.warning(
                    "stored template does not render; using the default",
                    metadata: ["template": "\(kind.rawValue)", "error": "\(error)"])
            }
        }
        return try defaultTemplate.render(context)
    }
}
