import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
import AsyncHTTPClient
import DuckDB
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// `POST /api/admin/configure` (admin; REFERENCE §1.9): the first-run choice of the data source.
/// Keboola needs a token and a stack URL that passes the outbound-URL check and answers the Storage
/// API's bucket list with that token (`GET {url}/v2/storage/buckets`, `X-StorageApi-Token`); BigQuery
/// needs a project id. The choice replaces `data_source` in the runtime overlay (with
/// `instance.name` and `auth.allowed_domain` when given); the Keboola token and URL go to
/// `DATA_DIR/state/.env_overlay` (mode 600), never into the YAML. Takes effect at the next start.
struct ConfigureRoutes {
    let services: AgnesServices

    struct Body: Decodable {
        let dataSource: String?
        let keboolaToken: String?
        let keboolaURL: String?
        let bigqueryProject: String?
        let bigqueryLocation: String?
        let instanceName: String?
        let allowedDomain: String?

        enum CodingKeys: String, CodingKey {
            case dataSource = "data_source"
            case keboolaToken = "keboola_token"
            case keboolaURL = "keboola_url"
            case bigqueryProject = "bigquery_project"
            case bigqueryLocation = "bigquery_location"
            case instanceName = "instance_name"
            case allowedDomain = "allowed_domain"
        }
    }

    struct Reply: Encodable {
        let status = "ok"
        let dataSource: String
        let connection: String
        let restartRequired = true

        enum CodingKeys: String, CodingKey {
            case status, connection
            case dataSource = "data_source"
            case restartRequired = "restart_required"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.post("/api/admin/configure") { request, context in
            try await configure(request, context)
        }
    }

    func configure(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.admin(request, context)
        let body = try await request.decodeJSON(Body.self, context: context)
        guard let source = body.dataSource?.lowercased(), ["keboola", "bigquery", "local"].contains(source) else {
            throw APIError(.unprocessableContent, "data_source: must be one of keboola, bigquery, local")
        }
        for (field, value) in [
            ("keboola_token", body.keboolaToken), ("keboola_url", body.keboolaURL),
            ("bigquery_project", body.bigqueryProject), ("bigquery_location", body.bigqueryLocation),
            ("instance_name", body.instanceName), ("allowed_domain", body.allowedDomain),
        ] where value.map(RegistrationRules.hasControl) == true || (value?.count ?? 0) > 2048 {
            throw APIError(.unprocessableContent, "\(field): at most 2048 characters, no control characters")
        }
        var dataSource: [String: ConfigValue] = ["type": .string(source)]
        var secrets: [String: String] = [:]
        var connection = "local"
        switch source {
        case "keboola":
            guard let token = body.keboolaToken, !token.isEmpty else {
                throw APIError(.unprocessableContent, "keboola_token: field required")
            }
            guard let url = body.keboolaURL?.trimmingCharacters(in: CharacterSet(charactersIn: "/ ")), !url.isEmpty
            else {
                throw APIError(.unprocessableContent, "keboola_url: field required")
            }
            if let problem = await OutboundURLCheck.checkedProblem(
                with: url, allowing: services.settings.outboundAllowedHosts)
            {
                throw APIError.badRequest("keboola_url: \(problem)")
            }
            try await Self.checkKeboola(url: url, token: token)
            services.keboolaCredentials.set(url: url, token: token)
            dataSource["keboola"] = .object(["stack_url": .string(url), "token_env": .string("KEBOOLA_STORAGE_TOKEN")])
            secrets = ["KEBOOLA_STORAGE_TOKEN": token, "KEBOOLA_STACK_URL": url]
            connection = "verified"
        case "bigquery":
            guard let project = body.bigqueryProject, !project.isEmpty else {
                throw APIError(.unprocessableContent, "bigquery_project: field required")
            }
            guard project.range(of: #"^[a-z][a-z0-9-]{4,28}[a-z0-9]$"#, options: .regularExpression) != nil else {
                throw APIError(.unprocessableContent, "bigquery_project: '\(project)' is not a Google Cloud project id")
            }
            dataSource["bigquery"] = .object([
                "project": .string(project), "location": .string(body.bigqueryLocation ?? "us"),
            ])
            services.bigqueryProjects.set(project: project, location: body.bigqueryLocation ?? "us")
        default:
            break
        }
        var overlay: [String: ConfigValue] = ["data_source": .object(dataSource)]
        if let name = body.instanceName, !name.isEmpty { overlay["instance"] = .object(["name": .string(name)]) }
        if let domain = body.allowedDomain, !domain.isEmpty {
            overlay["auth"] = .object(["allowed_domain": .string(domain)])
        }
        let environment = services.settings.environment
        if services.settings.instance["ai"] == nil,
            environment["ANTHROPIC_API_KEY"] != nil || environment["LLM_API_KEY"] != nil
        {
            overlay["ai"] = .object([
                "provider": .string("anthropic"), "model": .string("claude-haiku-4-5-20251001"),
                "structured_output": .string("auto"),
            ])
        }
        let routes = ServerConfigRoutes(services: services)
        let file = routes.overlayFile
        let envFile = file.deletingLastPathComponent().appendingPathComponent(".env_overlay")
        let (overlayToWrite, secretsToWrite) = (overlay, secrets)
        try await ServerConfigRoutes.writes.run { () async throws in
            try await offloaded("agnes.configure") {
                let previousText = try? String(contentsOf: file, encoding: .utf8)
                var previous =
                    try previousText.map { try ConfigValue.parseYAMLDocument($0, file: file.path) } ?? .object([:])
                // data_source is replaced whole: the old source's keys must not linger.
                if case .object(var members) = previous {
                    members["data_source"] = nil
                    previous = .object(members)
                }
                try ServerConfigRoutes.write(previous.merging(.object(overlayToWrite)), to: file)
                if !secretsToWrite.isEmpty { try Self.writeSecrets(secretsToWrite, to: envFile) }
            }
        }
        await services.audit(
            "configure", userID: caller.user.id, resource: "instance_config",
            params: [
                "data_source": source, "connection": connection, "keboola_url": body.keboolaURL ?? "",
                "keboola_token": body.keboolaToken == nil ? "" : ConfigRedaction.hidden,
            ])
        return JSONBody.response(object: Reply(dataSource: source, connection: connection))
    }

    /// Verifies the token and lists the stack's buckets with it (what Keboola's own clients call to
    /// test a connection); redirects are not followed, failures are retried twice at most.
    static func checkKeboola(url: String, token: String) async throws {
        let configuration = KeboolaConfiguration(
            stackURL: url, token: token, retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(200)))
        let client = KeboolaStorageClient(configuration: configuration, http: KeboolaConnector.defaultHTTPClient)
        do {
            _ = try await client.checkConnection()
        } catch let error as KeboolaError {
            throw APIError.badRequest("Keboola connection failed: \(error.message)")
        } catch {
            throw APIError.badRequest("Keboola connection failed: \(error)")
        }
    }

    /// Sets `secrets` in the environment overlay (KEY="VALUE" lines, other lines kept), mode 600.
    static func writeSecrets(_ secrets: [String: String], to file: URL) throws {
        let existing = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        var lines = existing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { line in
            let key = line.split(separator: "=", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
            return !secrets.keys.contains { $0 == key || "export \($0)" == key }
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        for (key, value) in secrets.sorted(by: { $0.key < $1.key }) {
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"", with: "\\\"")
            lines.append("\(key)=\"\(escaped)\"")
        }
        try ServerConfigRoutes.writeText(lines.joined(separator: "\n") + "\n", to: file, mode: 0o600)
    }
}

extension ConfigureRoutes: DescribedRoutes {
    var apiTag: String { "Configuration" }

    var operations: [APIOperation] {
        [
            .post(
                "/api/admin/configure", "Choose the data source (Keboola's connection is checked first)", .admin,
                body: .json(
                    .object(
                        [
                            "data_source": .oneOf(["keboola", "bigquery", "local"]), "keboola_token": .string,
                            "keboola_url": .string, "bigquery_project": .string, "bigquery_location": .string,
                            "instance_name": .string, "allowed_domain": .string,
                        ], required: ["data_source"])),
                responses: [
                    .ok(
                        .object([
                            "status": .string, "data_source": .string,
                            "connection": .oneOf(["verified", "local"]), "restart_required": .boolean,
                        ])),
                    .error(400, "The Keboola URL is refused or the connection failed"),
                    .error(422, "A missing or invalid field"),
                ])
        ]
    }
}
