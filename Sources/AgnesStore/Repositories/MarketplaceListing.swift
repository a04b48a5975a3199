import AgnesCore
import DuckDB
import Foundation

/// A read-only view of the registered marketplaces and their plugins, the grantable
/// `marketplace_plugin` resources (`<marketplace_slug>/<plugin_name>`) the admin access page lists.
///
/// ```swift
/// for marketplace in try await MarketplaceListing(store: store).marketplaces() { … }
/// ```
public struct MarketplaceListing: Sendable {
    /// A registered marketplace with its plugins.
    public struct Marketplace: Sendable, Hashable {
        /// The slug.
        public var id: String
        /// The display name.
        public var name: String
        /// Its plugins, by name.
        public var plugins: [Plugin]
    }

    /// A plugin of a marketplace.
    public struct Plugin: Sendable, Hashable {
        /// The plugin's name within its marketplace.
        public var name: String
        /// Its version, if declared.
        public var version: String?
        /// Its category, if declared.
        public var category: String?
        /// Free text.
        public var description: String?
        /// How the plugin's source is fetched.
        public var sourceType: String?
    }

    let store: SystemStore

    /// Creates the listing.
    public init(store: SystemStore) { self.store = store }

    /// Every marketplace in registration order, each with its plugins.
    public func marketplaces() async throws -> [Marketplace] {
        try await store.read { connection in
            let records = try connection.query(
                """
                SELECT r.id, r.name, p.name AS plugin, p.version, p.category, p.description, p.source_type
                FROM marketplace_registry r LEFT JOIN marketplace_plugins p ON p.marketplace_id = r.id
                ORDER BY r.registered_at, r.id, p.name
                """
            ).records
            var marketplaces: [Marketplace] = []
            for record in records {
                let id = try record.requiredString("id")
                if marketplaces.last?.id != id {
                    marketplaces.append(Marketplace(id: id, name: record.string("name") ?? id, plugins: []))
                }
                guard let plugin = record.string("plugin") else { continue }
                marketplaces[marketplaces.count - 1].plugins.append(
                    Plugin(
                        name: plugin, version: record.string("version"), category: record.string("category"),
                        description: record.string("description"), sourceType: record.string("source_type")))
            }
            return marketplaces
        }
    }
}
