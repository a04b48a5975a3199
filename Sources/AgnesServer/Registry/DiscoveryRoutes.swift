import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesJobs
import AgnesStore
import Foundation
import Hummingbird

/// What a source offers (admin; REFERENCE §1.9): `GET /api/admin/discover-tables?source_type=` and
/// `POST /api/admin/discover-and-register` (body optional: `{"source_type": …, "dry_run": bool}`).
/// The source defaults to the primary data source. Each connector answers for its own source; a source
/// with no connector on this server answers with an empty list and an `error` that says so.
struct DiscoveryRoutes {
    let services: AgnesServices

    struct Offered: Encodable {
        let id: String?
        let name: String
        let sizeBytes: Int64?
        let rows: Int64?
        let registered: Bool
        let problem: String?

        enum CodingKeys: String, CodingKey {
            case id, name, rows, registered, problem
            case sizeBytes = "size_bytes"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(sizeBytes, forKey: .sizeBytes)
            try container.encode(rows, forKey: .rows)
            try container.encode(registered, forKey: .registered)
            try container.encode(problem, forKey: .problem)
        }
    }

    struct Discovered: Encodable {
        let tables: [Offered]
        let count: Int
        let source: String
        let error: String?
    }

    struct RegisterBody: Decodable {
        var sourceType: String?
        var dryRun: Bool?

        enum CodingKeys: String, CodingKey {
            case sourceType = "source_type"
            case dryRun = "dry_run"
        }
    }

    struct RegisterResult: Encodable {
        let registered: Int
        let skipped: Int
        let errors: [String]
        let tables: [String]
        let source: String
        let dryRun: Bool
        let runID: String?

        enum CodingKeys: String, CodingKey {
            case registered, skipped, errors, tables, source
            case dryRun = "dry_run"
            case runID = "run_id"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/admin/discover-tables") { request, context in
            _ = try await services.admin(request, context)
            let source = try sourceType(request.uri.queryParameters.get("source_type"))
            guard let connector = services.pipeline.connector(for: source) else {
                return JSONBody.response(
                    object: Discovered(tables: [], count: 0, source: source, error: Self.noConnector(source)))
            }
            let registered = try await DuckDBTableRegistryRepository(store: services.store).list(sourceType: nil)
            let known = Set(registered.map(\.id))
            let claimed = registered.filter { $0.sourceType == source }
            if source == services.keboola.sourceType {
                return try await keboolaTables(known: known, claimed: claimed)
            }
            if source == services.bigquery.sourceType {
                return try await bigqueryListing(
                    dataset: request.uri.queryParameters.get("dataset"), known: known, claimed: claimed)
            }
            let offered = try await discover(connector).map { table in
                Offered(
                    id: table.id.isEmpty ? nil : table.id, name: table.sourceName, sizeBytes: table.sizeBytes,
                    rows: table.rows, registered: known.contains(table.id) || claimed.contains(where: table.isClaimed),
                    problem: table.problem)
            }
            return JSONBody.response(
                object: Discovered(tables: offered, count: offered.count, source: source, error: nil))
        }
        router.post("/api/admin/discover-and-register") { request, context in
            let caller = try await services.admin(request, context)
            let buffer = try await request.collectBody(upTo: 64 * 1024)
            let body =
                buffer.readableBytes == 0
                ? RegisterBody() : try Request.decodeJSON(RegisterBody.self, from: buffer)
            let source = try sourceType(body.sourceType)
            guard let connector = services.pipeline.connector(for: source) else {
                throw APIError(.unprocessableContent, "source_type: \(Self.noConnector(source))")
            }
            let registry = DuckDBTableRegistryRepository(store: services.store)
            let existing = try await registry.list(sourceType: nil)
            let known = Set(existing.map(\.id))
            let claimed = existing.filter { $0.sourceType == source }
            var registered: [String] = []
            var skipped = 0
            var errors: [String] = []
            for table in try await discover(connector) {
                if let problem = table.problem {
                    errors.append("\(table.sourceName): \(problem)")
                } else if known.contains(table.id) || claimed.contains(where: table.isClaimed) {
                    skipped += 1
                } else {
                    if body.dryRun != true {
                        _ = try await registry.register(
                            TableRegistration(
                                id: table.id, name: table.id, sourceType: source, bucket: table.bucket,
                                sourceTable: table.sourceTable, queryMode: connector.discoveredQueryMode,
                                description: table.description ?? "Discovered in \(source): \(table.sourceName)",
                                registeredBy: caller.user.email))
                    }
                    registered.append(table.id)
                }
            }
            var runID: String?
            if body.dryRun != true, !registered.isEmpty {
                await services.audit(
                    "discover_and_register", userID: caller.user.id, resource: "source:\(source)",
                    params: ["tables": registered.joined(separator: ",")])
                runID = try? await services.pipeline.trigger(
                    tables: registered, trigger: "discover", requestedBy: caller.user.id
                ).id
            }
            return JSONBody.response(
                object: RegisterResult(
                    registered: registered.count, skipped: skipped, errors: errors, tables: registered, source: source,
                    dryRun: body.dryRun == true, runID: runID))
        }
    }

    /// The source asked for, else the primary one; 422 for a type we do not know.
    func sourceType(_ given: String?) throws(APIError) -> String {
        let source = (given?.isEmpty == false ? given! : services.settings.dataSourceType.rawValue).lowercased()
        guard RegistrationRules.sourceTypes.contains(source) else {
            throw APIError(
                .unprocessableContent,
                "source_type: must be one of \(RegistrationRules.sourceTypes.joined(separator: ", "))")
        }
        return source
    }

    func discover(_ connector: any Connector) async throws -> [DiscoveredTable] {
        do {
            return try await connector.discover()
        } catch {
            throw APIError(.internalServerError, "Discovery failed: \(error)")
        }
    }

    static func noConnector(_ source: String) -> String {
        "no \(source) connector is configured on this server"
    }
}
