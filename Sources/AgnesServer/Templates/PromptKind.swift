import AgnesAuth
import AgnesCore
import Foundation
import Hummingbird

/// One admin-overridable prompt: where its routes live, its stored row, its default and its context.
struct PromptKind: Sendable {
    /// The admin route, e.g. `/api/admin/workspace-prompt-template`.
    let path: String
    /// The stored row.
    let kind: TemplateKind
    /// What it is, in words, for the API description.
    let title: String
    /// The shipped template.
    let defaultTemplate: PromptTemplate
    /// The context's variables, documented.
    let variables: [PromptVariable]
    /// The stand-in contexts an override must render against.
    let stubContexts: @Sendable (AgnesSettings) -> [TemplateValue]
    /// The live context for a caller of the routes.
    let context: @Sendable (AuthenticatedUser, Request, AgnesServices) async throws -> TemplateValue

    /// Texts of the original's first CLI that a template should no longer use (REFERENCE §1.13).
    static let legacyStrings = [
        "data/parquet", "da sync", "da fetch", "da analyst setup", "da metrics list", "da metrics show",
    ]

    /// The analyst workspace `CLAUDE.md` (``WorkspacePrompt``).
    static let workspace = PromptKind(
        path: "/api/admin/workspace-prompt-template", kind: .claudeMD, title: "workspace CLAUDE.md",
        defaultTemplate: WorkspacePrompt.defaultTemplate, variables: WorkspacePrompt.variables,
        stubContexts: { WorkspacePrompt.stubContexts(settings: $0) },
        context: { caller, request, services in
            try await WorkspacePrompt.context(
                for: caller, serverURL: try WelcomeRoutes.serverURL(request), services: services)
        })

    /// The agent setup prompt (``SetupPrompt``).
    static let setup = PromptKind(
        path: "/api/admin/welcome-template", kind: .welcome, title: "agent setup prompt",
        defaultTemplate: SetupPrompt.defaultTemplate, variables: SetupPrompt.variables,
        stubContexts: { SetupPrompt.stubContexts(settings: $0) },
        context: { caller, request, services in
            SetupPrompt.context(
                settings: services.settings, serverURL: try WelcomeRoutes.serverURL(request),
                user: try await TemplateContext.user(caller, store: services.store), date: Date())
        })

    /// `source` parsed and rendered against every stand-in context; the first failure is thrown.
    func validated(_ source: String, settings: AgnesSettings) throws(PromptTemplate.Failure) -> PromptTemplate {
        let template = try PromptTemplate(source)
        for context in stubContexts(settings) { _ = try template.render(context) }
        return template
    }

    /// The legacy strings `text` contains.
    static func legacyStrings(in text: String?) -> [String] {
        guard let text else { return [] }
        return legacyStrings.filter { text.contains($0) }
    }
}
