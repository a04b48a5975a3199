import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// The catalogue of grantable resources: `resource-types` and the one-shot `access-overview`.
extension AccessRoutes {
    struct ResourceTypeView: Encodable {
        let type: ResourceType

        enum CodingKeys: String, CodingKey {
            case key, description
            case displayName = "display_name"
            case idFormat = "id_format"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type.rawValue, forKey: .key)
            try container.encode(type.displayName, forKey: .displayName)
            try container.encode(type.summary, forKey: .description)
            try container.encode(type.idFormat, forKey: .idFormat)
        }
    }

    /// The grantable resources of one type, in blocks (a marketplace, a bucket, the memory domains).
    struct ResourceSection: Encodable {
        let typeKey: String
        let typeDisplay: String
        let blocks: [Block]

        enum CodingKeys: String, CodingKey {
            case blocks
            case typeKey = "type_key"
            case typeDisplay = "type_display"
        }
    }

    /// One block of grantable items; each item carries the `resource_id` a grant names.
    struct Block: Encodable {
        let id: String
        let name: String
        let items: [[String: String?]]
    }

    struct Overview: Encodable {
        struct GrantRow: Encodable {
            let grant: ResourceGrant

            enum CodingKeys: String, CodingKey {
                case id
                case groupID = "group_id"
                case resourceType = "resource_type"
                case resourceID = "resource_id"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(grant.id, forKey: .id)
                try container.encode(grant.groupID, forKey: .groupID)
                try container.encode(grant.resourceType.rawValue, forKey: .resourceType)
                try container.encode(grant.resourceID, forKey: .resourceID)
            }
        }

        let groups: [GroupView]
        let grants: [GrantRow]
        let resources: [ResourceSection]
    }

    /// Where tables without a bucket are listed.
    static let noBucket = "(no bucket)"

    func registerOverview(on router: Router<AgnesRequestContext>) {
        router.get("/api/admin/resource-types") { request, context in
            _ = try await services.admin(request, context)
            return JSONBody.response(object: ResourceType.listed.map(ResourceTypeView.init))
        }
        router.get("/api/admin/access-overview") { request, context in
            _ = try await services.admin(request, context)
            let counts = try await groups.counts()
            let groupViews = try await groups.list().map { group in
                var row = view(of: group, counts: counts)
                row.includesCreatedAt = false
                return row
            }
            var sections: [ResourceSection] = []
            for type in ResourceType.listed {
                sections.append(
                    ResourceSection(
                        typeKey: type.rawValue, typeDisplay: type.displayName, blocks: try await blocks(of: type)))
            }
            let rows = try await grants.list(groupID: nil, type: nil).map(Overview.GrantRow.init)
            return JSONBody.response(object: Overview(groups: groupViews, grants: rows, resources: sections))
        }
    }

    func blocks(of type: ResourceType) async throws -> [Block] {
        switch type {
        case .marketplacePlugin:
            return try await MarketplaceListing(store: services.store).marketplaces().map { marketplace in
                Block(
                    id: marketplace.id, name: marketplace.name,
                    items: marketplace.plugins.map { plugin in
                        [
                            "resource_id": "\(marketplace.id)/\(plugin.name)", "name": plugin.name,
                            "version": plugin.version, "category": plugin.category,
                            "description": plugin.description, "source_type": plugin.sourceType,
                        ] as [String: String?]
                    })
            }
        case .table:
            let tables = try await DuckDBTableRegistryRepository(store: services.store).list(sourceType: nil)
            let byBucket = Dictionary(grouping: tables) { table in
                table.bucket.flatMap { $0.isEmpty ? nil : $0 } ?? Self.noBucket
            }
            // Tables without a bucket first, then buckets by name; tables by name within each.
            let order = byBucket.keys.sorted { ($0 == Self.noBucket ? "" : $0) < ($1 == Self.noBucket ? "" : $1) }
            return order.map { bucket in
                Block(
                    id: bucket, name: bucket,
                    items: (byBucket[bucket] ?? []).map { table in
                        [
                            "resource_id": table.id, "name": table.name, "category": table.queryMode.rawValue,
                            "source_type": table.sourceType, "description": table.description,
                        ] as [String: String?]
                    })
            }
        case .memoryDomain:
            let items: [[String: String?]] = MemoryDomain.allCases.map { domain in
                [
                    "resource_id": domain.rawValue, "name": domain.rawValue, "category": "domain",
                    "description":
                        "Members of granted groups see all knowledge items with domain '\(domain.rawValue)', in addition to the audience filter.",
                ]
            }
            return [Block(id: "memory_domains", name: "Memory domains", items: items)]
        }
    }
}
