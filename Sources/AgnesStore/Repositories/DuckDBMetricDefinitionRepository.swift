import AgnesCore
import DuckDB
import Foundation

/// ``MetricDefinitionRepository`` on the DuckDB system store.
public struct DuckDBMetricDefinitionRepository: MetricDefinitionRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = """
        id, name, display_name, category, description, type, unit, grain, table_name, tables, expression,
        time_column, dimensions, filters, synonyms, notes, sql, sql_variants, validation, source, created_at, updated_at
        """

    @discardableResult
    public func upsert(_ metric: MetricDefinition) async throws -> MetricDefinition {
        let values = try Self.values(metric)
        return try await store.write { connection in
            try Self.upsert(values, on: connection)
            return try Self.fetch(connection, where: "id = ?", [.varchar(metric.id)])[0]
        }
    }

    /// The parameters of ``upsert(_:on:)``; `invalid_value` when `validationJSON` is not JSON.
    static func values(_ metric: MetricDefinition) throws -> [DuckDBValue] {
        let validation = try metric.validationJSON.map { try JSONText.validated($0, column: "validation") }
        let variants = try JSONText.encoded(metric.sqlVariants, column: "sql_variants")
        return [
            .varchar(metric.id), .varchar(metric.name), .varchar(metric.displayName), .varchar(metric.category),
            .optional(metric.description), .varchar(metric.type), .optional(metric.unit), .varchar(metric.grain),
            .optional(metric.tableName), .stringList(metric.tables), .optional(metric.expression),
            .optional(metric.timeColumn), .stringList(metric.dimensions), .stringList(metric.filters),
            .stringList(metric.synonyms), .stringList(metric.notes), .varchar(metric.sql), .varchar(variants),
            .optional(validation), .varchar(metric.source), .optional(metric.createdAt),
        ]
    }

    /// Creates or replaces a metric inside the caller's transaction (a replaced metric keeps its creation time).
    static func upsert(_ values: [DuckDBValue], on connection: Connection) throws {
        try connection.run(
            """
            INSERT INTO metric_definitions (\(Self.columns))
            VALUES (
                ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                coalesce(?, current_timestamp), current_timestamp)
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, display_name = excluded.display_name, category = excluded.category,
                description = excluded.description, type = excluded.type, unit = excluded.unit,
                grain = excluded.grain,
                table_name = excluded.table_name, tables = excluded.tables, expression = excluded.expression,
                time_column = excluded.time_column, dimensions = excluded.dimensions, filters = excluded.filters,
                synonyms = excluded.synonyms, notes = excluded.notes, sql = excluded.sql,
                sql_variants = excluded.sql_variants, validation = excluded.validation, source = excluded.source,
                updated_at = excluded.updated_at
            """, values)
    }

    public func find(id: String) async throws -> MetricDefinition? {
        try await store.read { try Self.fetch($0, where: "id = ?", [.varchar(id)]).first }
    }

    public func list(category: String?) async throws -> [MetricDefinition] {
        try await store.read { connection in
            try Self.fetch(connection, where: "? IS NULL OR category = ?", [.optional(category), .optional(category)])
        }
    }

    @discardableResult
    public func delete(id: String) async throws -> Bool {
        try await store.write { try $0.run("DELETE FROM metric_definitions WHERE id = ?", [.varchar(id)]) > 0 }
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [MetricDefinition]
    {
        try connection.query(
            "SELECT \(columns) FROM metric_definitions WHERE \(predicate) ORDER BY category, name, id", parameters
        ).records.map(metric)
    }

    static func metric(_ record: Record) throws -> MetricDefinition {
        let variants = try JSONText.decoded(
            [String: String].self, from: record.string("sql_variants"), column: "sql_variants")
        return MetricDefinition(
            id: try record.requiredString("id"), name: try record.requiredString("name"),
            displayName: try record.requiredString("display_name"), category: try record.requiredString("category"),
            sql: try record.requiredString("sql"), description: record.string("description"),
            type: record.string("type") ?? "sum", unit: record.string("unit"),
            grain: record.string("grain") ?? "monthly",
            tableName: record.string("table_name"), tables: record.stringList("tables") ?? [],
            expression: record.string("expression"), timeColumn: record.string("time_column"),
            dimensions: record.stringList("dimensions") ?? [], filters: record.stringList("filters") ?? [],
            synonyms: record.stringList("synonyms") ?? [], notes: record.stringList("notes") ?? [],
            sqlVariants: variants ?? [:], validationJSON: record.string("validation"),
            source: record.string("source") ?? "manual", createdAt: record.date("created_at"),
            updatedAt: record.date("updated_at"))
    }
}
