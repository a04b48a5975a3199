import AgnesCore
import Foundation

/// A metric on the wire: every `metric_definitions` column under its column name (REFERENCE §3).
/// `sql_variants` and `validation` are JSON objects (null when there are none); lists are always
/// lists; times are ISO 8601 in UTC.
struct MetricView: Encodable {
    let metric: MetricDefinition

    enum CodingKeys: String, CodingKey {
        case id, name, category, description, type, unit, grain, tables, expression, dimensions, filters, synonyms
        case notes, sql, validation, source
        case displayName = "display_name"
        case tableName = "table_name"
        case timeColumn = "time_column"
        case sqlVariants = "sql_variants"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metric.id, forKey: .id)
        try container.encode(metric.name, forKey: .name)
        try container.encode(metric.displayName, forKey: .displayName)
        try container.encode(metric.category, forKey: .category)
        try container.encode(metric.description, forKey: .description)
        try container.encode(metric.type, forKey: .type)
        try container.encode(metric.unit, forKey: .unit)
        try container.encode(metric.grain, forKey: .grain)
        try container.encode(metric.tableName, forKey: .tableName)
        try container.encode(metric.tables, forKey: .tables)
        try container.encode(metric.expression, forKey: .expression)
        try container.encode(metric.timeColumn, forKey: .timeColumn)
        try container.encode(metric.dimensions, forKey: .dimensions)
        try container.encode(metric.filters, forKey: .filters)
        try container.encode(metric.synonyms, forKey: .synonyms)
        try container.encode(metric.notes, forKey: .notes)
        try container.encode(metric.sql, forKey: .sql)
        try container.encode(metric.sqlVariants.isEmpty ? nil : metric.sqlVariants, forKey: .sqlVariants)
        let validation = try metric.validationJSON.map {
            try JSONDecoder().decode(ConfigValue.self, from: Data($0.utf8))
        }
        try container.encode(validation, forKey: .validation)
        try container.encode(metric.source, forKey: .source)
        try container.encode(metric.createdAt?.wireText, forKey: .createdAt)
        try container.encode(metric.updatedAt?.wireText, forKey: .updatedAt)
    }
}
