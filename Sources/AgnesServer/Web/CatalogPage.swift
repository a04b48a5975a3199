import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `/catalog`: the tables the caller may read, grouped by source and bucket, filtered by `?q=` (id,
/// name or description); `/catalog/{table}`: one table with its stored profile, its distributions
/// drawn by ``ProfileCharts`` as inline SVG. A table the caller may not read is a 403 page before
/// anything is looked up, so the answer never tells whether it exists.
struct CatalogPage {
    let services: AgnesServices

    func list(for caller: AuthenticatedUser, request: Request) async throws -> Response {
        async let readable = services.access.readableTables(caller)
        let data = try await WebTableData.current(services)
        let allowed = try await readable
        let descriptions = data.descriptions
        let stateByID = data.states
        let query = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
        let needle = query.lowercased()
        let matching = data.registrations.filter { table in
            guard allowed?.contains(table.id) ?? true else { return false }
            guard !needle.isEmpty else { return true }
            let description = table.description?.isEmpty == false ? table.description : descriptions[table.id]
            return [table.id, table.name, description ?? ""].contains { $0.lowercased().contains(needle) }
        }
        let paging = WebPaging(total: matching.count, request: request)
        var groups: [String: [[String: Any]]] = [:]
        for table in matching[paging.range] {
            let description = table.description?.isEmpty == false ? table.description : descriptions[table.id]
            let group = [table.sourceType ?? "local", table.bucket].compactMap { $0 }.joined(separator: " · ")
            var row: [String: Any] = [
                "table_id": table.id, "table_href": "/catalog/" + WebPage.pathSegment(table.id),
                "table_mode": table.queryMode.rawValue,
                "table_rows": stateByID[table.id]?.rows.map(DashboardPage.count) ?? "–",
            ]
            if let description, !description.isEmpty { row["table_description"] = description }
            groups[group, default: []].append(row)
        }
        var values: [String: Any] = [
            "query": query, "has_query": !query.isEmpty, "shown": DashboardPage.count(matching.count),
            "has_tables": !matching.isEmpty,
            "groups": groups.keys.sorted().map {
                ["group_name": $0, "group_tables": groups[$0] ?? []] as [String: Any]
            },
        ]
        values.merge(paging.values(path: "/catalog", query: ["q": query])) { $1 }
        let page = WebPage(template: "catalog", title: "Catalog", path: "/catalog", caller: caller, values: values)
        return page.response(instanceName: services.settings.instanceName)
    }

    func table(_ id: String, for caller: AuthenticatedUser) async throws -> Response {
        guard try await services.access.canRead(caller, table: id) else {
            return WebPage.message(
                status: .forbidden, title: "Access denied", text: "You may not read the table \(id).", caller: caller,
                services: services)
        }
        guard let table = try await DuckDBTableRegistryRepository(store: services.store).find(id: id) else {
            return WebPage.notFound("There is no table \(id).", caller: caller, services: services)
        }
        let store = services.store
        async let storedProfile = DuckDBTableProfileRepository(store: store).find(tableID: id)
        async let documented = DuckDBColumnMetadataRepository(store: store).list(tableID: id)
        async let defined = DuckDBMetricDefinitionRepository(store: store).list(category: nil)
        var values: [String: Any] = [
            "table_id": table.id, "table_mode": table.queryMode.rawValue, "can_edit": caller.isAdmin,
            "table_api": "/api/admin/registry/" + WebPage.pathSegment(table.id),
            "metadata_api": "/api/admin/metadata/" + WebPage.pathSegment(table.id),
            "query_href": "/query?table=" + WebPage.pathSegment(table.id),
            "table_description_text": table.description ?? "",
        ]
        if let description = table.description, !description.isEmpty { values["table_description"] = description }
        let notes = Dictionary(try await documented.map { ($0.columnName, $0) }) { first, _ in first }
        if let stored = try await storedProfile,
            let document = try? JSONSerialization.jsonObject(with: Data(stored.profileJSON.utf8)) as? [String: Any]
        {
            var profile = ProfileCharts.view(of: document)
            profile["columns"] = (profile["columns"] as? [[String: Any]] ?? []).enumerated().map { index, column in
                var column = column
                let name = column["column_name"] as? String ?? ""
                column["column_index"] = index
                column["column_description_text"] = notes[name]?.description ?? ""
                if let note = notes[name] {
                    if let description = note.description, !description.isEmpty {
                        column["column_description"] = description
                    }
                    if !note.tags.isEmpty { column["column_tags"] = note.tags.joined(separator: ", ") }
                }
                return column
            }
            values["profile"] = profile
        }
        let metrics = try await defined.filter { $0.uses(table: table.id) }
        values["has_metrics"] = !metrics.isEmpty
        values["metrics"] = metrics.map { metric -> [String: Any] in
            var row: [String: Any] = ["metric_name": metric.displayName, "metric_id": metric.id]
            if let description = metric.description, !description.isEmpty { row["metric_description"] = description }
            return row
        }
        let page = WebPage(template: "catalog_table", title: table.id, path: "/catalog", caller: caller, values: values)
        return page.response(instanceName: services.settings.instanceName)
    }
}
