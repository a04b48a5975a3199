import AgnesClient
import Foundation

/// The checks that ask the server (none of them with `--local`).
extension SystemDiagnosis {
    /// What asking the server found.
    struct ServerAnswer {
        var checks: [HealthCheck]
        var version: String?
        /// True when the server answered its health route.
        var answers: Bool
    }

    /// `GET /api/health` (does it answer, is it healthy) and `GET /api/version` (against this CLI's).
    static func serverChecks(settings: ClientSettings, cliVersion: String, api: AgnesAPI) async -> ServerAnswer {
        let origin = "from \(origin(settings.serverSource))"
        let unconfigured =
            settings.serverSource == .builtIn
            ? "no server is configured (this is the default URL): agnes init --server-url URL, or set AGNES_SERVER"
            : nil
        let clock = ContinuousClock()
        let started = clock.now
        let health: JSONValue
        do {
            health = try await api.health()
        } catch {
            let message = (error as? ClientError)?.message ?? "\(error)"
            let check = HealthCheck(
                name: "server", status: .fail, detail: "\(settings.server) (\(origin)): \(message)",
                action: unconfigured ?? (error as? ClientError)?.hint)
            return ServerAnswer(checks: [check], version: nil, answers: false)
        }
        let milliseconds = Int((clock.now - started).inSeconds * 1000)
        let version = (try? await api.version())?["version"]?.string
        let status = health["status"]?.string ?? "unknown"
        var detail = "\(settings.server) (\(origin)) answers in \(milliseconds) ms, health \(status)"
        if status != "ok", let schema = health["db_schema"]?.string { detail += " (db_schema \(schema))" }
        let server = HealthCheck(
            name: "server", status: status == "ok" ? .ok : .fail, detail: detail,
            action: status == "ok"
                ? nil : "the server reports a problem: tell an Agnes admin (admins: agnes setup verify)")
        let versions: HealthCheck
        switch version {
        case nil:
            versions = HealthCheck(
                name: "versions", status: .warning, detail: "CLI \(cliVersion); the server did not say its version",
                action: "is \(settings.server) an Agnes server? agnes setup test-connection")
        case cliVersion?:
            versions = HealthCheck(name: "versions", status: .ok, detail: "CLI and server both \(cliVersion)")
        case let other?:
            versions = HealthCheck(
                name: "versions", status: .warning, detail: "CLI \(cliVersion), server \(other)",
                action: "use the agnes binary of the server's version (agnes skills show setup says how to get it)")
        }
        return ServerAnswer(checks: [server, versions], version: version, answers: true)
    }

    /// `GET /api/health/detailed`: the server's services, one by one.
    static func serverHealthCheck(_ api: AgnesAPI) async -> HealthCheck {
        let detailed: JSONValue
        do {
            detailed = try await api.detailedHealth()
        } catch let error as ClientError where error.code == .forbidden {
            return HealthCheck(name: "server health", status: .ok, detail: "not shown to this account (HTTP 403)")
        } catch {
            let message = (error as? ClientError)?.message ?? "\(error)"
            return HealthCheck(name: "server health", status: .warning, detail: message)
        }
        let status = detailed["status"]?.string ?? "unknown"
        var services: [String] = []
        if case .object(let members)? = detailed["services"] {
            for name in members.keys.sorted() {
                let service = members[name]!
                var text = "\(name) \(service["status"]?.string ?? "?")"
                if case .array(let stale)? = service["stale_tables"], !stale.isEmpty {
                    text += " (stale: \(stale.map(\.description).joined(separator: ", ")))"
                }
                services.append(text)
            }
        }
        let detail = "\(status)" + (services.isEmpty ? "" : ": " + services.joined(separator: ", "))
        switch status {
        case "healthy": return HealthCheck(name: "server health", status: .ok, detail: detail)
        case "degraded":
            return HealthCheck(
                name: "server health", status: .warning, detail: detail,
                action: "the server's data or jobs need attention: tell an Agnes admin")
        default:
            return HealthCheck(
                name: "server health", status: .fail, detail: detail,
                action: "the server reports a problem: tell an Agnes admin (admins: agnes setup verify)")
        }
    }
}
