import AgnesAuth
import AgnesClient
import AgnesCore
import AgnesData
import DuckDB
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The instance configuration an admin may edit (REFERENCE §1.9): `GET /api/admin/server-config`
/// shows the editable sections of the effective configuration with secrets redacted;
/// `POST /api/admin/server-config` deep-merges sections into the runtime overlay
/// (`DATA_DIR/state/instance.yaml`), checks that the result still loads, and audits the diff. Changes
/// take effect at the next start (`restart_required: true`).
struct ServerConfigRoutes {
    let services: AgnesServices

    static let editableSections = [
        "instance", "data_source", "email", "telegram", "jira", "theme", "server", "auth", "ai", "openmetadata",
        "desktop", "corporate_memory", "materialize", "sync", "scheduler",
    ]
    /// Sections that change how the server runs or who gets in: saved only with `confirm_danger`.
    static let dangerSections = ["auth", "server"]
    /// Keys each section is known to take (others are kept, but the UI offers these).
    static let knownFields: [String: [String]] = [
        "instance": ["name", "subtitle", "copyright", "sync_interval"],
        "server": ["hostname", "host", "app_dir", "http"],
        "auth": ["allowed_domain", "webapp_secret_key", "google_client_id", "google_client_secret"],
        "data_source": ["type", "keboola", "bigquery"],
        "email": ["from_address", "from_name", "smtp_host", "smtp_port", "smtp_user", "smtp_password"],
        "telegram": ["bot_token", "bot_username", "domain_suffix"],
        "jira": ["domain", "email", "api_token", "webhook_secret", "sla_email", "sla_api_token", "cloud_id"],
        "ai": ["provider", "api_key", "model", "structured_output", "base_url", "verify_ssl"],
        "openmetadata": ["url", "token", "cache_ttl_seconds", "verify_ssl", "filter_tag", "data_product"],
        "desktop": ["jwt_issuer", "jwt_secret", "url_scheme"],
        "corporate_memory": ["distribution_mode", "approval_mode", "review_period_months", "notify_on_new_items"],
        "materialize": ["lock_ttl_seconds"],
        "theme": [],
        "sync": ["alert_webhook_url", "connector_timeout_seconds", "history_retention_days"],
        "scheduler": ["enabled", "jobs"],
    ]
    /// One writer of the overlay at a time.
    static let writes = SerialLane()

    struct Shown: Encodable {
        let sections: [String: ConfigValue]
        let editableSections = ServerConfigRoutes.editableSections
        let dangerSections = ServerConfigRoutes.dangerSections
        let secretKeyPatterns = ConfigRedaction.secretPatterns
        let knownFields = ServerConfigRoutes.knownFields

        enum CodingKeys: String, CodingKey {
            case sections
            case editableSections = "editable_sections"
            case dangerSections = "danger_sections"
            case secretKeyPatterns = "secret_key_patterns"
            case knownFields = "known_fields"
        }
    }

    struct Update: Decodable {
        let sections: [String: ConfigValue]?
        let confirmDanger: Bool?

        enum CodingKeys: String, CodingKey {
            case sections
            case confirmDanger = "confirm_danger"
        }
    }

    struct Saved: Encodable {
        let status = "ok"
        let restartRequired = true
        let sectionsUpdated: [String]
        let diffCount: Int

        enum CodingKeys: String, CodingKey {
            case status
            case restartRequired = "restart_required"
            case sectionsUpdated = "sections_updated"
            case diffCount = "diff_count"
        }
    }

    var overlayFile: URL {
        URL(fileURLWithPath: services.settings.dataDir).appendingPathComponent("state/instance.yaml")
    }

    /// The environment the configuration loads under (the server's, with its directories).
    var loaderEnvironment: [String: String] {
        services.settings.environment.merging(
            ["DATA_DIR": services.settings.dataDir, "CONFIG_DIR": services.settings.configDir]
        ) { _, new in new }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/admin/server-config") { request, context in
            _ = try await services.admin(request, context)
            return JSONBody.response(object: Shown(sections: try await shownSections()))
        }
        router.post("/api/admin/server-config") { request, context in
            try await save(request, context)
        }
    }

    /// The editable sections of the effective configuration (overlay included), secrets redacted. The
    /// configuration files are read off the cooperative pool.
    func shownSections() async throws -> [String: ConfigValue] {
        let (environment, fallback) = (loaderEnvironment, services.settings.instance)
        let merged = try await offloaded("agnes.server-config") {
            (try? ConfigLoader.load(environment: environment, logger: quiet).instance) ?? fallback
        }
        var sections: [String: ConfigValue] = [:]
        for name in Self.editableSections {
            sections[name] = ConfigRedaction.redacted(Self.withDefaults(name, merged[name] ?? .object([:])))
        }
        return sections
    }

    func save(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.admin(request, context)
        let body = try await request.decodeJSON(Update.self, context: context)
        guard let given = body.sections, !given.isEmpty else {
            throw APIError(.unprocessableContent, "sections: nothing to change")
        }
        if let unknown = given.keys.sorted().first(where: { !Self.editableSections.contains($0) }) {
            throw APIError.badRequest("Unknown section: \(unknown)")
        }
        if let bad = given.first(where: { $0.value.objectValue == nil }) {
            throw APIError(.unprocessableContent, "sections.\(bad.key): must be an object")
        }
        let danger = given.keys.filter(Self.dangerSections.contains).sorted()
        if !danger.isEmpty, body.confirmDanger != true {
            throw APIError.badRequest(
                "Sections \(danger.joined(separator: ", ")) change how the server runs or who may sign in; send confirm_danger: true to save them"
            )
        }
        let cleaned = given.mapValues(ConfigRedaction.droppingSentinels)
        try await Self.check(cleaned, allowing: services.settings.outboundAllowedHosts)
        let environment = loaderEnvironment
        let file = overlayFile
        let dataDirectory = services.settings.dataDir
        let (changes, sections) = try await Self.writes.run { () async throws -> ([ConfigRedaction.Change], [String]) in
            try await offloaded("agnes.server-config") {
                try Self.merge(cleaned, into: file, environment: environment, dataDirectory: dataDirectory)
            }
        }
        let diff = String(decoding: (try? JSONBody.encoder.encode(changes)) ?? Data("[]".utf8), as: UTF8.self)
        await services.audit(
            "instance_config.update", userID: caller.user.id, resource: "instance_config",
            params: [
                "sections": sections.joined(separator: ","), "danger_sections": danger.joined(separator: ","),
                "diff": diff, "diff_count": String(changes.count),
            ])
        return JSONBody.response(object: Saved(sectionsUpdated: sections, diffCount: changes.count))
    }

    /// Deep-merges `sections` into the overlay file, checks that the configuration still loads (else
    /// restores the old file) and returns the changed leaves. Blocking: file I/O and fsync.
    static func merge(
        _ cleaned: [String: ConfigValue], into file: URL, environment: [String: String], dataDirectory: String
    )
        throws -> ([ConfigRedaction.Change], [String])
    {
        let previousText = try? String(contentsOf: file, encoding: .utf8)
        let previous = try previousText.map { try ConfigValue.parseYAMLDocument($0, file: file.path) } ?? .object([:])
        let before = (try? ConfigLoader.load(environment: environment, logger: quiet).instance) ?? .object([:])
        let next = previous.merging(.object(cleaned))
        try Self.write(next, to: file)
        let after: ConfigValue
        do throws(ConfigError) {
            after = try ConfigLoader.load(environment: environment, logger: quiet).instance
        } catch {
            // The merged configuration does not load: put the old overlay back.
            if let previousText {
                try? Self.writeText(previousText, to: file)
            } else {
                try? FileManager.default.removeItem(at: file)
            }
            throw APIError(
                .unprocessableContent, error.message.replacingOccurrences(of: dataDirectory, with: "DATA_DIR"))
        }
        let changes = cleaned.keys.sorted().flatMap { ConfigRedaction.diff(before[$0], after[$0], path: [$0]) }
        return (changes, cleaned.keys.sorted())
    }

    /// The checks a save must pass before anything is written.
    static func check(_ sections: [String: ConfigValue], allowing allowed: [String]) async throws(APIError) {
        if let url = sections["data_source"]?["keboola"]?["stack_url"]?.stringValue,
            let problem = await OutboundURLCheck.checkedProblem(with: url, allowing: allowed)
        {
            throw APIError.badRequest("data_source.keboola.stack_url: \(problem)")
        }
        if let url = sections["sync"]?["alert_webhook_url"]?.stringValue, !url.isEmpty,
            let problem = await OutboundURLCheck.checkedProblem(with: url, allowing: allowed)
        {
            throw APIError.badRequest("sync.alert_webhook_url: \(problem)")
        }
        if let ttl = sections["materialize"]?["lock_ttl_seconds"] {
            guard let seconds = ttl.intValue, (60...604_800).contains(seconds) else {
                throw APIError(.unprocessableContent, "materialize.lock_ttl_seconds: a whole number from 60 to 604800")
            }
        }
    }

    /// BigQuery's optional cost caps shown with their defaults.
    static func withDefaults(_ section: String, _ value: ConfigValue) -> ConfigValue {
        guard section == "data_source", case .object(var members) = value,
            case .object(var bigquery)? = members["bigquery"]
        else { return value }
        if bigquery["max_bytes_per_materialize"] == nil { bigquery["max_bytes_per_materialize"] = .int(10_737_418_240) }
        if bigquery["bq_max_scan_bytes"] == nil { bigquery["bq_max_scan_bytes"] = .int(5_368_709_120) }
        members["bigquery"] = .object(bigquery)
        return .object(members)
    }

    /// Writes the overlay as JSON (which YAML reads), atomically: a temporary file, fsync, rename.
    static func write(_ value: ConfigValue, to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(value), as: UTF8.self)
        try writeText("# Written by agnes (POST /api/admin/server-config). JSON is YAML.\n" + json + "\n", to: file)
    }

    /// Writes through ``AtomicFile`` (temporary file with its final mode, fsync, rename, directory
    /// sync); a failure is the server's, not the caller's.
    static func writeText(_ text: String, to file: URL, mode: mode_t = 0o644) throws {
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(text, to: file, mode: mode)
        } catch {
            throw APIError(.internalServerError, "the configuration overlay could not be written")
        }
    }
}

/// A logger that drops the loader's notes when it is only asked for the merged tree.
private let quiet: Logger = {
    var logger = Logger(label: "agnes.config")
    logger.logLevel = .critical
    return logger
}()

extension ServerConfigRoutes: DescribedRoutes {
    var apiTag: String { "Configuration" }

    var operations: [APIOperation] {
        [
            .get(
                "/api/admin/server-config", "The editable configuration sections, secrets redacted", .admin,
                responses: [
                    .ok(
                        .object([
                            "sections": .map(.any), "editable_sections": .array(.string),
                            "danger_sections": .array(.string), "secret_key_patterns": .array(.string),
                            "known_fields": .map(.array(.string)),
                        ]))
                ]),
            .post(
                "/api/admin/server-config", "Merge sections into the runtime overlay (restart to apply)", .admin,
                body: .json(.object(["sections": .map(.any), "confirm_danger": .boolean], required: ["sections"])),
                responses: [
                    .ok(
                        .object([
                            "status": .string, "restart_required": .boolean, "sections_updated": .array(.string),
                            "diff_count": .integer,
                        ])),
                    .error(400, "Unknown section, danger section without confirm_danger, or an inner URL"),
                    .error(422, "Nothing to change, a bad value, or a configuration that would not load"),
                ]),
        ]
    }
}
