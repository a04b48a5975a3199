import AgnesCore
import DuckDB
import Foundation

/// One table of `GET /api/v2/catalog`.
///
/// Only a table that BigQuery answers in place (`source_type` `bigquery`, query mode `remote`) is
/// `sql_flavor: "bigquery"` with BigQuery example predicates and the `agnes snapshot create` hint;
/// every other table, a synced or materialized BigQuery table included, has a local file queried with
/// DuckDB. `rough_size_hint` stays null, as in the original this wire shape comes from.
struct CatalogEntry: Encodable {
    let id: String
    let name: String
    let description: String
    let sourceType: String
    let queryMode: String
    let sqlFlavor: String
    let whereExamples: [String]
    let fetchVia: String
    let roughSizeHint: String? = nil

    init(_ registration: TableRegistration) {
        id = registration.id
        name = registration.name.isEmpty ? registration.id : registration.name
        description = registration.description ?? ""
        sourceType = registration.sourceType ?? ""
        queryMode = registration.queryMode.rawValue
        if sourceType == "bigquery" && registration.queryMode == .remote {
            sqlFlavor = "bigquery"
            whereExamples = ["event_date > DATE '2026-01-01'", "country_code = 'CZ' AND platform = 'web'"]
            fetchVia = "agnes snapshot create \(id) --select <cols> --where '<BQ predicate>' --limit <N>"
        } else {
            sqlFlavor = "duckdb"
            whereExamples = []
            fetchVia = "already local — query directly via `agnes query`"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case sourceType = "source_type"
        case queryMode = "query_mode"
        case sqlFlavor = "sql_flavor"
        case whereExamples = "where_examples"
        case fetchVia = "fetch_via"
        case roughSizeHint = "rough_size_hint"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(sourceType, forKey: .sourceType)
        try container.encode(queryMode, forKey: .queryMode)
        try container.encode(sqlFlavor, forKey: .sqlFlavor)
        try container.encode(whereExamples, forKey: .whereExamples)
        try container.encode(fetchVia, forKey: .fetchVia)
        try container.encode(roughSizeHint, forKey: .roughSizeHint)
    }
}

/// `{tables, server_time}`.
struct CatalogResponse: Encodable {
    let tables: [CatalogEntry]
    let serverTime: String

    enum CodingKeys: String, CodingKey {
        case tables
        case serverTime = "server_time"
    }
}

/// One column of `GET /api/v2/schema/{id}`.
struct SchemaColumn: Encodable, Sendable {
    let name: String
    let type: String
    let nullable: Bool
    /// From `column_metadata` when an admin (or enrichment) described the column, else empty.
    var description: String
}

/// `{table_id, source_type, sql_flavor, columns, partition_by, clustered_by, where_dialect_hints}`.
struct SchemaResponse: Encodable {
    let tableID: String
    let sourceType: String
    let sqlFlavor: String
    let columns: [SchemaColumn]

    enum CodingKeys: String, CodingKey {
        case columns
        case tableID = "table_id"
        case sourceType = "source_type"
        case sqlFlavor = "sql_flavor"
        case partitionBy = "partition_by"
        case clusteredBy = "clustered_by"
        case hints = "where_dialect_hints"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tableID, forKey: .tableID)
        try container.encode(sourceType, forKey: .sourceType)
        try container.encode(sqlFlavor, forKey: .sqlFlavor)
        try container.encode(columns, forKey: .columns)
        // Local parquet has no partitioning or clustering, and DuckDB needs no dialect hints.
        try container.encodeNil(forKey: .partitionBy)
        try container.encode([String](), forKey: .clusteredBy)
        try container.encode([String: String](), forKey: .hints)
    }
}

/// Sample rows read from a file: column names and values.
struct SampleRows: Sendable {
    let columns: [String]
    let rows: [[DuckDBValue]]
}

/// `{table_id, rows: [{column: value}], source}`; values as natural JSON (numbers, strings, ISO times).
struct SampleResponse: Encodable {
    let tableID: String
    let rows: SampleRows
    let source: String

    enum CodingKeys: String, CodingKey {
        case rows, source
        case tableID = "table_id"
    }

    struct Row: Encodable {
        let columns: [String]
        let values: [DuckDBValue]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ColumnKey.self)
            for (name, value) in zip(columns, values) { try container.encode(value, forKey: ColumnKey(name)) }
        }
    }

    struct ColumnKey: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tableID, forKey: .tableID)
        try container.encode(rows.rows.map { Row(columns: rows.columns, values: $0) }, forKey: .rows)
        try container.encode(source, forKey: .source)
    }
}
