import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// The admins' pages of the table registry (REFERENCE §1.9): `/admin/tables` (every registered table
/// with its last sync, paged; Edit, Sync now, Delete), `/admin/tables/new?source=…` (register one, with
/// the precheck and discovery pickers in place) and `/admin/tables/{id}` (edit it; its recent sync
/// outcomes). Every action is a form ``WebScript`` sends to the registry's and the sync trigger's own
/// JSON routes, so the page checks nothing the API does not.
struct TablePages {
    let services: AgnesServices

    /// How many of a table's sync outcomes its page shows.
    static let historyLimit = 20

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/admin/tables") { request, context in
            try await services.adminPage(request, context) { caller in
                try await list(for: caller, request: request)
            }
        }
        router.get("/admin/tables/new") { request, context in
            try await services.adminPage(request, context) { caller in
                try await new(for: caller, source: request.uri.queryParameters.get("source"))
            }
        }
        router.get("/admin/tables/{id}") { request, context in
            try await services.adminPage(request, context) { caller in
                try await edit(context.parameters.get("id") ?? "", for: caller)
            }
        }
    }

    func list(for caller: AuthenticatedUser, request: Request, now: Date = Date()) async throws -> Response {
        let data = try await WebTableData.current(services, now: now)
        let query = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
        let needle = query.lowercased()
        let tables = data.registrations.filter { table in
            needle.isEmpty
                || [table.id, table.name, table.sourceType ?? "", table.bucket ?? "", table.description ?? ""]
                    .contains { $0.lowercased().contains(needle) }
        }
        let stateByID = data.states
        let flagged = data.attention
        let paging = WebPaging(total: tables.count, request: request)
        let rows = tables[paging.range].map { table in
            let state = stateByID[table.id]
            let status = DashboardPage.status(table, state: state, flag: flagged[table.id], now: now)
            var row = DashboardPage.row(table, state: state, status: status, now: now)
            row.merge(Self.identity(table)) { $1 }
            row["table_strategy"] = table.syncStrategy.rawValue
            row["table_schedule"] = table.syncSchedule ?? "default"
            return row
        }
        var values: [String: Any] = [
            "query": query, "has_query": !query.isEmpty, "has_tables": !rows.isEmpty, "tables": rows,
            "shown": DashboardPage.count(tables.count),
        ]
        values.merge(paging.values(path: "/admin/tables", query: ["q": query])) { $1 }
        return WebPage(template: "admin_tables", title: "Tables", path: "/admin", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }

    func new(for caller: AuthenticatedUser, source: String?) async throws -> Response {
        let rules = RegistryRoutes(services: services).rules
        let chosen = source.flatMap(TableSourceForm.named)
        if let source, chosen == nil {
            return WebPage.notFound(
                "There is no source type \(source): tables come from \(RegistrationRules.sourceTypes.joined(separator: ", ")).",
                caller: caller, services: services)
        }
        var values: [String: Any] = [
            "sources": TableSourceForm.all.map { form in
                [
                    "source_type": form.type, "source_label": form.label, "source_summary": form.summary,
                    "source_href": "/admin/tables/new?source=\(form.type)", "source_current": form.type == chosen?.type,
                    "source_configured": rules.isConfigured(form.type),
                ] as [String: Any]
            }
        ]
        if let chosen {
            let configured = rules.configuredTypes.joined(separator: ", ")
            values["form"] =
                [
                    "source_type": chosen.type, "source_label": chosen.label, "source_summary": chosen.summary,
                    "source_configured": rules.isConfigured(chosen.type),
                    "not_configured":
                        "\(chosen.label) is not configured on this server, so its tables cannot be registered here yet (configured: \(configured)).",
                    "pickers": chosen.pickers.map(\.values), "fields": chosen.fieldValues(nil),
                ] as [String: Any]
        }
        let title = chosen.map { "Register a \($0.label) table" } ?? "Register a table"
        return WebPage(template: "admin_table_new", title: title, path: "/admin", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }

    func edit(_ id: String, for caller: AuthenticatedUser, now: Date = Date()) async throws -> Response {
        let store = services.store
        guard let table = try await DuckDBTableRegistryRepository(store: store).find(id: id) else {
            return WebPage.notFound("There is no table \(id).", caller: caller, services: services)
        }
        let state = try await DuckDBSyncStateRepository(store: store).find(tableID: id)
        let flag = try await WebTableData.current(services, now: now).attention[id]
        let status = DashboardPage.status(table, state: state, flag: flag, now: now)
        let history = try await DuckDBSyncStateRepository(store: store).recentHistory(
            tableID: id, limit: Self.historyLimit)
        let form = TableSourceForm.editing(table.sourceType)
        var values = DashboardPage.row(table, state: state, status: status, now: now)
        values.merge(Self.identity(table)) { $1 }
        values["fields"] = form.fieldValues(table)
        values["table_registered"] =
            [table.registeredBy, table.registeredAt.map(DashboardPage.day)].compactMap { $0 }.joined(separator: " on ")
        values["has_history"] = !history.isEmpty
        values["history"] = history.map { entry in
            var row = SyncRunPages.outcomeRow(
                SyncTableOutcome(
                    tableID: entry.tableID, source: entry.source ?? "",
                    kind: SyncTableOutcome.Kind(storedStatus: entry.status),
                    reason: entry.error,
                    rows: entry.rows, durationMS: entry.durationMS))
            row["history_when"] = DashboardPage.ago(entry.syncedAt, now: now)
            row["history_run"] = entry.runID ?? ""
            row["history_run_href"] = entry.runID.map { "/admin/sync-runs/" + WebPage.pathSegment($0) } ?? ""
            return row.withoutEmptyText
        }
        return WebPage(
            template: "admin_table", title: table.id, path: "/admin", caller: caller, values: values.withoutEmptyText
        )
        .response(instanceName: services.settings.instanceName)
    }

    /// A table's id, name, source and the paths of its page and its API routes.
    static func identity(_ table: TableRegistration) -> [String: Any] {
        let segment = WebPage.pathSegment(table.id)
        var values: [String: Any] = [
            "table_id": table.id, "table_href": "/admin/tables/" + segment, "table_catalog_href": "/catalog/" + segment,
            "table_api": "/api/admin/registry/" + segment, "table_mode": table.queryMode.rawValue,
            "table_source_type": table.sourceType ?? "local",
            "table_origin": [table.bucket, table.sourceTable].compactMap { $0 }.joined(separator: " / "),
        ]
        if table.name != table.id { values["table_name"] = table.name }
        return values.withoutEmptyText
    }
}

extension Dictionary where Key == String, Value == Any {
    /// Without its empty texts: Mustache counts an empty string as set, and a section of one
    /// (`{{#reason}}<div>{{reason}}</div>{{/reason}}`) would draw an empty element.
    var withoutEmptyText: [String: Any] { filter { ($0.value as? String)?.isEmpty != true } }
}
