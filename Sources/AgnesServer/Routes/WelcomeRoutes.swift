import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `GET /api/welcome?server_url=<url>` (any signed-in user) → `{content}`: the workspace `CLAUDE.md`
/// rendered for the caller (``WorkspacePrompt``): the admin override when one is stored
/// (``TemplateRoutes``), else the shipped default.
///
/// `server_url` is the address the analyst's CLI uses; without it the request's own `Host` is used.
/// It must be an `http(s)` URL of at most 2,048 characters (422 otherwise), because it is written into
/// a file the agent reads as instructions.
struct WelcomeRoutes {
    let services: AgnesServices

    struct Reply: Encodable {
        let content: String
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/welcome") { request, context in
            try await welcome(request, context)
        }
    }

    func welcome(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let serverURL = try Self.serverURL(request)
        let values = try await WorkspacePrompt.context(for: caller, serverURL: serverURL, services: services)
        let stored = try await PromptKind.workspace.stored(services)
        let content = try PromptKind.workspace.render(values, override: stored.content, logger: context.logger)
        return JSONBody.response(object: Reply(content: content))
    }

    /// The `server_url` parameter, checked; or `http://<Host>` when it is absent.
    static func serverURL(_ request: Request) throws(APIError) -> String {
        guard let given = request.uri.queryParameters.get("server_url"), !given.isEmpty else {
            return "http://\(request.head.authority ?? "localhost")"
        }
        guard given.count <= 2048, let url = URL(string: given), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host?.isEmpty == false,
            !given.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " })
        else {
            throw APIError(.unprocessableContent, "server_url must be an http(s) URL")
        }
        return given
    }
}
