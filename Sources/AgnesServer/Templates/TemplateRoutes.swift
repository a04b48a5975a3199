import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// Admin overrides of the prompt templates (REFERENCE §1.13): for each ``PromptKind``, `GET`, `PUT`
/// and `DELETE` on its path and `POST <path>/preview`.
///
/// An override is checked when it is saved, by rendering it against the kind's stand-in contexts: a
/// syntax error or an unknown variable is a 400 naming it, never a 500 when an analyst asks for it.
struct TemplateRoutes {
    let services: AgnesServices
    var kinds: [PromptKind] = [.workspace, .setup]

    /// The longest override accepted, in characters.
    static let maximumLength = 200_000

    struct Current: Encodable {
        let content: String?
        let `default`: String
        let updatedAt: String?
        let updatedBy: String?
        let legacyStringsDetected: [String]
        let variables: [PromptVariable]

        enum CodingKeys: String, CodingKey {
            case content, `default`, variables
            case updatedAt = "updated_at"
            case updatedBy = "updated_by"
            case legacyStringsDetected = "legacy_strings_detected"
        }

        /// Absent values are `null`, not missing: clients read every key.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(content, forKey: .content)
            try container.encode(self.default, forKey: .default)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encode(updatedBy, forKey: .updatedBy)
            try container.encode(legacyStringsDetected, forKey: .legacyStringsDetected)
            try container.encode(variables, forKey: .variables)
        }
    }

    struct SetRequest: Decodable {
        let content: String
    }

    struct PreviewRequest: Decodable {
        let content: String?
    }

    struct Rendered: Encodable {
        let content: String
    }

    func register(on router: Router<AgnesRequestContext>) {
        for kind in kinds {
            router.get(RouterPath(kind.path)) { request, context in
                _ = try await services.admin(request, context)
                let stored = try await kind.stored(services)
                return JSONBody.response(
                    object: Current(
                        content: stored.content, default: kind.defaultTemplate.source,
                        updatedAt: stored.updatedAt?.wireText, updatedBy: stored.updatedBy,
                        legacyStringsDetected: PromptKind.legacyStrings(in: stored.content), variables: kind.variables))
            }
            router.put(RouterPath(kind.path)) { request, context in
                let caller = try await services.admin(request, context)
                let content = try await request.decodeJSON(SetRequest.self, context: context).content
                try Self.check(content, kind: kind, settings: services.settings)
                try await DuckDBTemplateRepository(store: services.store).setTemplate(
                    kind.kind, content: content, by: caller.user.email, at: Date())
                await services.auth.authenticator.record(
                    "template.update", userID: caller.user.id, resource: "template:\(kind.kind.rawValue)",
                    params: ["length": "\(content.count)"])
                return JSONBody.response(object: ["status": "ok"])
            }
            router.delete(RouterPath(kind.path)) { request, context in
                let caller = try await services.admin(request, context)
                try await DuckDBTemplateRepository(store: services.store).setTemplate(
                    kind.kind, content: nil, by: caller.user.email, at: Date())
                await services.auth.authenticator.record(
                    "template.reset", userID: caller.user.id, resource: "template:\(kind.kind.rawValue)", params: [:])
                return Response(status: .noContent)
            }
            router.post(RouterPath(kind.path + "/preview")) { request, context in
                let caller = try await services.admin(request, context)
                let body = try await request.collectBody(upTo: context.maxUploadSize)
                let given =
                    body.readableBytes == 0 ? nil : try Request.decodeJSON(PreviewRequest.self, from: body).content
                let live = try await kind.context(caller, request, services)
                if let given {
                    try Self.check(given, kind: kind, settings: services.settings)
                    do {
                        return JSONBody.response(object: Rendered(content: try PromptTemplate(given).render(live)))
                    } catch let failure as PromptTemplate.Failure { throw APIError(.badRequest, failure.description) }
                }
                let stored = try await kind.stored(services)
                return JSONBody.response(
                    object: Rendered(content: try kind.render(live, override: stored.content, logger: context.logger)))
            }
        }
    }

    /// 422 for an empty or too long text, 400 naming the error for one that does not render.
    static func check(_ content: String, kind: PromptKind, settings: AgnesSettings) throws {
        guard (1...maximumLength).contains(content.count) else {
            throw APIError(.unprocessableContent, "content must be between 1 and \(maximumLength) characters")
        }
        do {
            _ = try kind.validated(content, settings: settings)
        } catch let failure as PromptTemplate.Failure {
            throw APIError(.badRequest, failure.description)
        }
    }
}
