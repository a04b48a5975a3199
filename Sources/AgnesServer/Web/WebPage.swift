import AgnesAuth
import AgnesCore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// A page of the web UI: a Mustache template of ``WebTemplates`` rendered inside the layout, with the
/// caller's navigation (admin links for admins only). Every `{{value}}` is HTML-escaped by Mustache;
/// templates never use the unescaped forms. Pages carry personal data, so they are never cached, and a
/// policy that lets nothing run or load but the server's own stylesheet and scripts.
///
/// ```swift
/// return WebPage(template: "dashboard", title: "Dashboard", path: "/dashboard", caller: caller,
///                values: ["tables": rows]).response(settings: services.settings)
/// ```
struct WebPage {
    let template: String
    let title: String
    /// The page's own path: its navigation link is marked current.
    let path: String
    let caller: AuthenticatedUser?
    var values: [String: Any] = [:]

    /// The pages in the navigation, in order; `isAdmin` ones only for admins. An entry is current on its
    /// own path and on the paths below it.
    static let navigation: [(label: String, path: String, isAdmin: Bool)] = [
        ("Dashboard", "/dashboard", false), ("Catalog", "/catalog", false), ("Query", "/query", false),
        ("Memory", "/corporate-memory", false), ("Admin", "/admin", true), ("Profile", "/profile", false),
    ]

    /// `default-src 'none'`: only the server's own stylesheet, scripts and images; forms post only
    /// here; no page may frame this one.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The whole document.
    func html(instanceName: String) -> String {
        var context = values
        context["page_title"] = title
        context["instance_name"] = instanceName
        context["stylesheet"] = WebAssets.stylesheetPath
        context["script"] = WebAssets.scriptPath
        if let caller {
            context["viewer"] = ["email": caller.user.email, "is_admin": caller.isAdmin]
            context["nav"] = Self.navigation.filter { !$0.isAdmin || caller.isAdmin }.map {
                ["label": $0.label, "href": $0.path, "current": path == $0.path || path.hasPrefix($0.path + "/")]
                    as [String: Any]
            }
        }
        guard let text = WebTemplates.library.render(context, withTemplate: template) else {
            preconditionFailure("no web template \(template)")
        }
        return text
    }

    /// A `text/html` response.
    func response(status: HTTPResponse.Status = .ok, instanceName: String) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: Self.contentSecurityPolicy,
            ],
            body: .init(byteBuffer: ByteBuffer(string: html(instanceName: instanceName))))
    }

    /// An id (a table, a user, a run) as one path segment of a link.
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? id
    }

    /// A page of one message without the caller's navigation: the error pages of ``WebErrorPages``.
    static func messageHTML(
        status: HTTPResponse.Status, title: String, text: String, instanceName: String
    ) -> Response {
        WebPage(template: "message", title: title, path: "", caller: nil, values: ["message_text": text])
            .response(status: status, instanceName: instanceName)
    }

    /// A page of one message (403, 404, …) in the layout.
    static func message(
        status: HTTPResponse.Status, title: String, text: String, caller: AuthenticatedUser?, services: AgnesServices
    ) -> Response {
        WebPage(template: "message", title: title, path: "", caller: caller, values: ["message_text": text])
            .response(status: status, instanceName: services.settings.instanceName)
    }
}

extension AgnesServices {
    /// An admin page: `build` for an admin, the 403 page (with the caller's navigation) for anyone else,
    /// and a 401 (a redirect to sign in, by ``WebErrorPages``) without a session.
    ///
    /// ```swift
    /// router.get("/admin/users") { request, context in
    ///     try await services.adminPage(request, context) { caller in try await list(for: caller) }
    /// }
    /// ```
    func adminPage(
        _ request: Request, _ context: AgnesRequestContext, _ build: (AuthenticatedUser) async throws -> Response
    ) async throws -> Response {
        let caller = try await caller(request, context)
        guard caller.isAdmin else {
            return WebPage.message(
                status: .forbidden, title: "Access denied", text: "Admin access required", caller: caller,
                services: self)
        }
        return try await build(caller)
    }
}

extension WebPage {
    /// The 404 page of something a page names that does not exist.
    static func notFound(_ text: String, caller: AuthenticatedUser, services: AgnesServices) -> Response {
        message(status: .notFound, title: "Not found", text: text, caller: caller, services: services)
    }
}

extension APIResponse {
    /// A page that needs a session sends a visitor to sign in.
    static let signInRedirect = APIResponse.redirect("To /login?next=… when not signed in")
    /// What every admin page answers besides itself.
    static let adminPage: [APIResponse] = [
        .html("Not an admin (JSON for callers that do not accept HTML)", status: 403), signInRedirect,
    ]
}
