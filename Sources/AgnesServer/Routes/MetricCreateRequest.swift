import AgnesCore
import Foundation

/// The body of `POST /api/admin/metrics` (the original's `MetricCreate`): `id`, `name`,
/// `display_name`, `category` and `sql` are required, everything else has the original's default.
struct MetricCreateRequest: Decodable {
    let metric: MetricDefinition

    enum CodingKeys: String, CodingKey {
        case id, name, category, description, type, unit, grain, tables, expression, dimensions, filters, synonyms
        case notes, sql, validation, source
        case displayName = "display_name"
        case tableName = "table_name"
        case timeColumn = "time_column"
        case sqlVariants = "sql_variants"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func list(_ key: CodingKeys) throws -> [String] {
            try container.decodeIfPresent([String].self, forKey: key) ?? []
        }
        let validation = try container.decodeIfPresent([String: ConfigValue].self, forKey: .validation)
        metric = MetricDefinition(
            id: try container.decode(String.self, forKey: .id),
            name: try container.decode(String.self, forKey: .name),
            displayName: try container.decode(String.self, forKey: .displayName),
            category: try container.decode(String.self, forKey: .category),
            sql: try container.decode(String.self, forKey: .sql),
            description: try container.decodeIfPresent(String.self, forKey: .description),
            type: try container.decodeIfPresent(String.self, forKey: .type) ?? "sum",
            unit: try container.decodeIfPresent(String.self, forKey: .unit),
            grain: try container.decodeIfPresent(String.self, forKey: .grain) ?? "monthly",
            tableName: try container.decodeIfPresent(String.self, forKey: .tableName),
            tables: try list(.tables), expression: try container.decodeIfPresent(String.self, forKey: .expression),
            timeColumn: try container.decodeIfPresent(String.self, forKey: .timeColumn),
            dimensions: try list(.dimensions), filters: try list(.filters), synonyms: try list(.synonyms),
            notes: try list(.notes),
            sqlVariants: try container.decodeIfPresent([String: String].self, forKey: .sqlVariants) ?? [:],
            validationJSON: try validation.map { String(decoding: try JSONBody.encoder.encode($0), as: UTF8.self) },
            source: try container.decodeIfPresent(String.self, forKey: .source) ?? "manual")
    }
}
