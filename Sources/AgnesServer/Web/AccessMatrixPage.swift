import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `/admin/access`: every group (a column) against every grantable resource (a row), by type and
/// block (a marketplace, a bucket, the memory domains), with a checkbox per cell. Ticking one posts
/// `POST /api/admin/grants`, unticking deletes `DELETE /api/admin/grants/{id}` (``WebScript``'s
/// toggles); a box shows the server's state and goes back when the API refuses. Grants of resources
/// the catalogue no longer lists keep a row ("granted, not listed"), so they can be seen and revoked.
/// `?type=` and `?q=` narrow the rows, which are paged by 100.
struct AccessMatrixPage {
    let services: AgnesServices

    /// One row of the matrix: a grantable resource.
    struct Resource {
        let type: ResourceType
        let block: String
        let id: String
        let name: String?
    }

    /// Where the grants of resources the catalogue does not list are shown.
    static let unlisted = "Granted, not listed"

    func response(for caller: AuthenticatedUser, request: Request) async throws -> Response {
        let store = services.store
        let routes = AccessRoutes(services: services)
        async let listedGroups = DuckDBGroupRepository(store: store).list()
        async let listedGrants = DuckDBGrantRepository(store: store).list(groupID: nil, type: nil)
        let groups = try await listedGroups  // system groups first, then by name
        let grants = try await listedGrants
        var resources: [Resource] = []
        for type in ResourceType.listed {
            var seen: Set<String> = []
            for block in try await routes.blocks(of: type) {
                for item in block.items {
                    guard let id = item["resource_id"] ?? nil, seen.insert(id).inserted else { continue }
                    let name = item["name"] ?? nil
                    resources.append(Resource(type: type, block: block.name, id: id, name: name == id ? nil : name))
                }
            }
            let orphans = Set(
                grants.filter { $0.resourceType == type && !seen.contains($0.resourceID) }.map(\.resourceID))
            resources += orphans.sorted().map { Resource(type: type, block: Self.unlisted, id: $0, name: nil) }
        }
        let parameters = request.uri.queryParameters
        let typeFilter = parameters.get("type").flatMap(ResourceType.init(rawValue:))
        let query = (parameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
        let needle = query.lowercased()
        let shown = resources.filter { resource in
            (typeFilter.map { $0 == resource.type } ?? true)
                && (needle.isEmpty || resource.id.lowercased().contains(needle)
                    || resource.name?.lowercased().contains(needle) == true)
        }
        let paging = WebPaging(total: shown.count, request: request)
        let grantIDs = Dictionary(
            grants.map { ("\($0.groupID)\u{0}\($0.resourceType.rawValue)\u{0}\($0.resourceID)", $0.id) }
        ) { first, _ in first }
        var values: [String: Any] = [
            "query": query, "has_query": !query.isEmpty, "has_groups": !groups.isEmpty,
            "has_resources": !shown.isEmpty, "shown": DashboardPage.count(shown.count),
            "matrix_span": groups.count + 1,
            "matrix_groups": groups.map { group in
                ["mgroup_name": group.name, "mgroup_href": "/admin/groups/" + WebPage.pathSegment(group.id)]
            },
            "group_options": groups.map { ["option_value": $0.id, "option_text": $0.name] },
            "type_options": ResourceType.listed.map { type in
                [
                    "option_value": type.rawValue, "option_text": type.displayName,
                    "option_selected": type == typeFilter, "option_format": type.idFormat,
                ] as [String: Any]
            },
            "sections": Self.sections(
                Array(shown[paging.range]), offset: paging.range.lowerBound, groups: groups, grantIDs: grantIDs),
        ]
        values.merge(
            paging.values(path: "/admin/access", query: ["type": typeFilter?.rawValue ?? "", "q": query])
        ) { $1 }
        return WebPage(template: "admin_access", title: "Access", path: "/admin/access", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }

    /// The page's rows by type, then by block, each with a cell per group.
    static func sections(
        _ rows: [Resource], offset: Int, groups: [Group], grantIDs: [String: String]
    ) -> [[String: Any]] {
        var sections: [[String: Any]] = []
        var blocks: [[String: Any]] = []
        var lines: [[String: Any]] = []
        var current: (type: ResourceType, block: String)?
        func closeBlock() {
            guard let current, !lines.isEmpty else { return }
            // A type of one block named as the type (the memory domains) needs no block heading.
            blocks.append([
                "block_name": current.block, "block_rows": lines,
                "has_block_name": current.block != current.type.displayName,
            ])
            lines = []
        }
        func closeSection() {
            closeBlock()
            guard let current, !blocks.isEmpty else { return }
            sections.append(["section_title": current.type.displayName, "section_blocks": blocks])
            blocks = []
        }
        for (index, resource) in rows.enumerated() {
            if current?.type != resource.type {
                closeSection()
            } else if current?.block != resource.block {
                closeBlock()
            }
            current = (resource.type, resource.block)
            let label = "\(resource.type.displayName): \(resource.id)"
            let line: [String: Any] = [
                "row_id": resource.id, "has_row_name": resource.name?.isEmpty == false, "row_name": resource.name ?? "",
                "row_cells": groups.enumerated().map { column, group in
                    let grantID = grantIDs["\(group.id)\u{0}\(resource.type.rawValue)\u{0}\(resource.id)"]
                    return [
                        "cell_id": "cell-\(offset + index)-\(column)", "cell_label": "\(group.name) may reach \(label)",
                        "cell_on": grantID != nil, "cell_grant": grantID ?? "",
                        "cell_body": body(group: group, resource: resource),
                    ] as [String: Any]
                },
            ]
            lines.append(line)
        }
        closeSection()
        return sections
    }

    /// The JSON body of `POST /api/admin/grants` that grants the group the resource.
    static func body(group: Group, resource: Resource) -> String {
        let object = ["group_id": group.id, "resource_type": resource.type.rawValue, "resource_id": resource.id]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
