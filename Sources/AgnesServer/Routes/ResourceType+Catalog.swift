import AgnesCore
import Hummingbird

/// How the admin API presents each grantable resource type (REFERENCE §1.11).
extension ResourceType {
    /// The types in the order the admin API lists them.
    static let listed: [ResourceType] = [.marketplacePlugin, .table, .memoryDomain]

    /// The section title of the admin access page.
    var displayName: String {
        switch self {
        case .marketplacePlugin: "Marketplace plugins"
        case .table: "Tables"
        case .memoryDomain: "Memory domains"
        }
    }

    /// A one-line explanation for the grant form.
    var summary: String {
        switch self {
        case .marketplacePlugin: "A plugin from a registered marketplace."
        case .table: "A registered data table."
        case .memoryDomain: "A corporate-memory domain (knowledge_items.domain)."
        }
    }

    /// The shape of a `resource_id` of this type.
    var idFormat: String {
        switch self {
        case .marketplacePlugin: "<marketplace_slug>/<plugin_name>"
        case .table: "<table_id>"
        case .memoryDomain: "<domain>"
        }
    }

    /// The type named `text`, or 400 naming the known types.
    static func parse(_ text: String) throws -> ResourceType {
        guard let type = ResourceType(rawValue: text) else {
            let known = listed.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw APIError(.badRequest, "Unknown resource_type '\(text)'. Known types: [\(known)]")
        }
        return type
    }
}
