import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation

/// The analyst workspace's `CLAUDE.md` (what `GET /api/welcome` returns and `agnes init` writes): its
/// context, its shipped default and the stand-in contexts an override is checked against.
///
/// Everything in the context is what the caller may see: only the tables they may read, their own
/// groups. Values that come from admins or users are flattened to one line (``TemplateContext/line(_:)``).
enum WorkspacePrompt {
    /// The variables of the context, for admins writing an override.
    static let variables: [PromptVariable] = [
        .init("instance.name", "the instance's name"),
        .init("instance.subtitle", "its subtitle, or null"),
        .init("server.url", "the server's address as the analyst's CLI uses it"),
        .init("server.hostname", "its host name"),
        .init("data_source.type", "where tables come from: local, keboola, bigquery…"),
        .init(
            "tables", "the tables the caller may read, by id: each {name, description (or null), query_mode, is_remote}"
        ),
        .init("table_count", "how many"),
        .init("metrics.count", "the number of shared metric definitions"),
        .init("metrics.categories", "each {name, count}"),
        .init("metrics.summary", "\"revenue (2), sales (1)\", or null when there are none"),
        .init("marketplaces", "the plugin marketplaces the caller may use: each {slug, name, plugins [{name}]}"),
        .init("user.id", "the caller's id"),
        .init("user.email", "their email"),
        .init("user.name", "their name, or null"),
        .init("user.display_name", "their name, else their email"),
        .init("user.is_admin", "true for an admin"),
        .init("user.groups", "their group names (a list of text: {{#user.groups}}{{.}}{{/user.groups}})"),
        .init("user.groups_text", "the same joined by \", \", or null"),
        .init("now", "the time of rendering, ISO 8601 UTC"),
        .init("today", "the date, YYYY-MM-DD"),
    ]

    /// One readable table.
    struct Table {
        let name: String
        let description: String?
        let queryMode: String
    }

    /// The context for the given pieces.
    static func context(
        settings: AgnesSettings, serverURL: String, tables: [Table], metricCategories: [String: Int],
        user: TemplateValue, date: Date
    ) -> TemplateValue {
        let categories = metricCategories.keys.sorted().map {
            (name: TemplateContext.line($0), count: metricCategories[$0]!)
        }
        let metricCount = metricCategories.values.reduce(0, +)
        var fields: [String: TemplateValue] = [
            "instance": TemplateContext.instance(settings),
            "server": TemplateContext.server(url: serverURL),
            "data_source": .object(["type": .text(settings.dataSourceType.rawValue)]),
            "tables": .list(
                tables.map {
                    .object([
                        "name": .text(TemplateContext.line($0.name)),
                        "description": TemplateContext.line($0.description),
                        "query_mode": .text($0.queryMode), "is_remote": .flag($0.queryMode == "remote"),
                    ])
                }),
            "table_count": .number(tables.count),
            "metrics": .object([
                "count": .number(metricCount),
                "categories": .list(categories.map { .object(["name": .text($0.name), "count": .number($0.count)]) }),
                "summary": categories.isEmpty
                    ? .null : .text(categories.map { "\($0.name) (\($0.count))" }.joined(separator: ", ")),
            ]),
            // Plugin marketplaces are not served yet: the list stays empty until they are.
            "marketplaces": .list([]),
            "user": user,
        ]
        fields.merge(TemplateContext.clock(date)) { _, new in new }
        return .object(fields)
    }

    /// The context for `caller`, as `GET /api/welcome` renders it.
    static func context(
        for caller: AuthenticatedUser, serverURL: String, services: AgnesServices, date: Date = Date()
    ) async throws -> TemplateValue {
        let readable = try await services.access.readableTables(caller)
        let tables = try await DuckDBTableRegistryRepository(store: services.store).list(sourceType: nil)
            .filter { readable?.contains($0.id) ?? true }
            .sorted { $0.id < $1.id }
            .map { Table(name: $0.id, description: $0.description, queryMode: $0.queryMode.rawValue) }
        var categories: [String: Int] = [:]
        for metric in try await DuckDBMetricDefinitionRepository(store: services.store).list(category: nil) {
            categories[metric.category, default: 0] += 1
        }
        return context(
            settings: services.settings, serverURL: serverURL, tables: tables, metricCategories: categories,
            user: try await TemplateContext.user(caller, store: services.store), date: date)
    }

    /// Stand-in contexts an override must render against: one with something in every list (so the
    /// names inside sections are checked), one with every list empty and every optional value null.
    static func stubContexts(settings: AgnesSettings) -> [TemplateValue] {
        let date = Date(timeIntervalSince1970: 1_767_225_600)
        var full = context(
            settings: settings, serverURL: "https://agnes.example.com",
            tables: [Table(name: "orders", description: "Orders by day", queryMode: "local")],
            metricCategories: ["revenue": 1], user: TemplateContext.stubUser, date: date)
        if case .object(var fields) = full {
            fields["marketplaces"] = .list([
                .object(["slug": "tools", "name": "Tools", "plugins": .list([.object(["name": "sql-helper"])])])
            ])
            full = .object(fields)
        }
        let empty = context(
            settings: settings, serverURL: "http://localhost:8000", tables: [], metricCategories: [:],
            user: TemplateContext.user(User(id: "stub", email: "admin@example.com"), isAdmin: true, groups: []),
            date: date)
        return [full, empty]
    }
}
