import AgnesClient
import Foundation

/// `agnes setup verify` (REFERENCE §2.9): the server end to end — health, detailed health, the sync
/// manifest, the user list, the sign-in page and the API description. A route only admins may use is
/// reported as `needs admin` (a warning), not as a failure: the route answered, the caller may not
/// see it. When the server does not answer at all the other checks are not attempted.
///
/// ```swift
/// let report = await ServerVerification.run(api: api, hasToken: settings.token != nil)
/// if report.overall == .fail { exit(1) }
/// ```
public struct ServerVerification: Sendable, Encodable {
    /// The server checked.
    public var server: String
    /// `ok`, `warning` or `fail`: the worst check.
    public var overall: HealthCheck.Status
    /// One check per route, in order.
    public var checks: [HealthCheck]

    /// The checks' names, in order.
    public static let names = ["health", "detailed health", "manifest", "users", "login page", "docs"]

    /// Runs every check against `api`'s server; `hasToken` false reports the signed-in routes as failed
    /// without calling them.
    public static func run(api: AgnesAPI, hasToken: Bool) async -> ServerVerification {
        var checks: [HealthCheck] = []
        let health = await healthCheck(api)
        checks.append(health.check)
        guard health.answers else {
            checks += names.dropFirst().map {
                HealthCheck(name: $0, status: .fail, detail: "not checked: the server did not answer")
            }
            return ServerVerification(server: api.server, overall: .fail, checks: checks)
        }
        checks.append(
            await signedIn("detailed health", hasToken: hasToken) {
                let detailed = try await api.detailedHealth()
                let status = detailed["status"]?.string ?? "unknown"
                return HealthCheck(
                    name: "detailed health",
                    status: status == "healthy" ? .ok : status == "degraded" ? .warning : .fail,
                    detail: status,
                    action: status == "healthy" ? nil : "agnes diagnose system lists the services and their state")
            })
        checks.append(
            await signedIn("manifest", hasToken: hasToken) {
                let manifest = try await api.manifest()
                return HealthCheck(name: "manifest", status: .ok, detail: Self.count(manifest.tables.count, "table"))
            })
        checks.append(
            await signedIn("users", hasToken: hasToken) {
                HealthCheck(name: "users", status: .ok, detail: Self.count(try await api.users().count, "user"))
            })
        checks.append(await pageCheck(api, name: "login page", path: "/login", html: true))
        checks.append(await pageCheck(api, name: "docs", path: "/docs", html: false))
        return ServerVerification(server: api.server, overall: HealthCheck.overall(checks), checks: checks)
    }

    /// `GET /api/health` (with the version when `GET /api/version` answers too).
    static func healthCheck(_ api: AgnesAPI) async -> (check: HealthCheck, answers: Bool) {
        let health: JSONValue
        do {
            health = try await api.health()
        } catch {
            let failure = error as? ClientError
            let check = HealthCheck(
                name: "health", status: .fail, detail: failure?.message ?? "\(error)", action: failure?.hint)
            return (check, failure?.code != .unreachable)
        }
        let status = health["status"]?.string ?? "unknown"
        var detail = status
        if let version = (try? await api.version())?["version"]?.string { detail += ", version \(version)" }
        if status != "ok" {
            detail += " (db_schema \(health["db_schema"]?.description ?? "?"))"
            return (
                HealthCheck(
                    name: "health", status: .fail, detail: detail,
                    action: "the system store is unreachable or at the wrong schema: agnes doctor on the server"),
                true
            )
        }
        return (HealthCheck(name: "health", status: .ok, detail: detail), true)
    }

    /// A check of a signed-in route: no token or a refused one fails it; a 403 is `needs admin`.
    static func signedIn(_ name: String, hasToken: Bool, _ body: () async throws -> HealthCheck) async
        -> HealthCheck
    {
        guard hasToken else {
            return HealthCheck(
                name: name, status: .fail, detail: "not checked: no token configured",
                action: "agnes auth login --email E (as an admin), or set AGNES_TOKEN")
        }
        do {
            return try await body()
        } catch let error as ClientError where error.code == .forbidden {
            return HealthCheck(
                name: name, status: .warning, detail: "needs admin (\(error.message))",
                action: "run agnes setup verify with an admin's token to check this")
        } catch let error as ClientError {
            return HealthCheck(name: name, status: .fail, detail: error.message, action: error.hint)
        } catch {
            return HealthCheck(name: name, status: .fail, detail: "\(error)")
        }
    }

    /// `GET path` without credentials: it must answer 200 (and HTML when `html`).
    static func pageCheck(_ api: AgnesAPI, name: String, path: String, html: Bool) async -> HealthCheck {
        let response: APIResponse
        do {
            response = try await api.anonymousPage(path)
        } catch {
            let failure = error as? ClientError
            return HealthCheck(name: name, status: .fail, detail: failure?.message ?? "\(error)", action: failure?.hint)
        }
        let type = response.contentType ?? "no content type"
        guard response.status == 200 else {
            return HealthCheck(
                name: name, status: .fail, detail: "HTTP \(response.status) from GET \(path)",
                action: "is a proxy in front of the server passing \(path) through?")
        }
        guard !html || type.lowercased().hasPrefix("text/html") else {
            return HealthCheck(
                name: name, status: .fail, detail: "GET \(path) answered \(type), not an HTML page",
                action: "is a proxy in front of the server passing \(path) through?")
        }
        return HealthCheck(name: name, status: .ok, detail: "GET \(path): 200, \(type), \(response.body.count) bytes")
    }

    static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }

    /// The lines printed without `--json`.
    public var lines: [String] {
        ["Verifying \(server)"] + HealthCheck.lines(checks, overall: overall)
    }
}
