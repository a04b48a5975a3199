import AgnesCore
import Foundation

/// OpenMetadata's tables and metrics as Agnes's catalog rows: column metadata, table metadata and
/// metric definitions, all with source ``MetadataSource/openMetadata``.
///
/// The metric conventions are the original export's (`connectors/openmetadata/transformer.py`): the
/// category comes from a `MetricCategory.<x>` or `Category.<x>` tag (else `general`), dimensions from
/// `Dimension.<x>` tags, and type, unit and grain from the metric's own fields or else from
/// `MetricType.`, `Unit.` and `Grain.` tags. Descriptions lose the HTML of OpenMetadata's rich-text
/// editor; Markdown stays as written.
///
/// ```swift
/// let rows = OpenMetadataCatalog.columns(of: table, tableID: "orders")
/// let metric = OpenMetadataCatalog.metric(fetched)   // id "finance/net_revenue"
/// ```
public enum OpenMetadataCatalog {
    /// The `confidence` of exported column rows: documented in the catalog, by people.
    public static let confidence = "catalog"

    /// What the catalog says about the table itself.
    public static func tableMetadata(of table: OpenMetadataTable, tableID: String, fqn: String) -> TableMetadata {
        let tags = (table.tags ?? []).map(\.tagFQN)
        let tier = table.tier ?? tags.lazy.compactMap { tagValue($0, prefixes: ["Tier."]) }.first
        return TableMetadata(
            tableID: tableID, fqn: table.fullyQualifiedName ?? fqn, description: RichText.plain(table.description),
            tags: tags, owners: (table.owners ?? []).compactMap(ownerName), tier: tier,
            source: MetadataSource.openMetadata)
    }

    /// One row per documented column (a description or tags): its Keboola base type from the column's
    /// `dataType`, its plain-text description and its tag FQNs.
    public static func columns(of table: OpenMetadataTable, tableID: String) -> [ColumnMetadata] {
        (table.columns ?? []).compactMap { column in
            let description = RichText.plain(column.description)
            let tags = (column.tags ?? []).map(\.tagFQN)
            guard description != nil || !tags.isEmpty else { return nil }
            return ColumnMetadata(
                tableID: tableID, columnName: column.name, basetype: basetype(column.dataType),
                description: description, tags: tags, confidence: confidence, source: MetadataSource.openMetadata)
        }
    }

    /// The Keboola base type (`STRING`, `INTEGER`, `NUMERIC`, `FLOAT`, `BOOLEAN`, `DATE`, `TIMESTAMP`)
    /// of an OpenMetadata `dataType`; nil for types with no base type (arrays, structs, binary, …).
    public static func basetype(_ dataType: String?) -> String? {
        switch dataType?.uppercased() {
        case "INT", "TINYINT", "SMALLINT", "BIGINT", "BYTEINT", "LONG", "YEAR": "INTEGER"
        case "NUMBER", "DECIMAL", "NUMERIC": "NUMERIC"
        case "FLOAT", "DOUBLE": "FLOAT"
        case "BOOLEAN": "BOOLEAN"
        case "DATE": "DATE"
        case "TIMESTAMP", "TIMESTAMPZ", "DATETIME": "TIMESTAMP"
        case "STRING", "VARCHAR", "CHAR", "TEXT", "MEDIUMTEXT", "CLOB", "UUID", "ENUM", "JSON": "STRING"
        default: nil
        }
    }

    /// The Agnes id (`<category>/<name>`) a metric gets: known from a listing, before the metric is read.
    public static func metricID(name: String, tags: [OpenMetadataTagLabel]?) -> String? {
        let slug = slug(name)
        guard !slug.isEmpty else { return nil }
        return "\(category(tags ?? []))/\(slug)"
    }

    /// The metric as a definition; nil when its name has nothing an id can be made of.
    public static func metric(_ metric: OpenMetadataMetric) -> MetricDefinition? {
        let tags = metric.tags ?? []
        guard let id = metricID(name: metric.name, tags: tags) else { return nil }
        let expression = metric.metricExpression?.code.flatMap { $0.isEmpty ? nil : $0 }
        let language = metric.metricExpression?.language
        let isSQL = language == nil || language?.uppercased() == "SQL"
        var notes = ["Source: OpenMetadata catalog (FQN: \(metric.fullyQualifiedName ?? metric.name))"]
        let owners = (metric.owners ?? []).compactMap(ownerName)
        if !owners.isEmpty { notes.append("Owners: \(owners.joined(separator: ", "))") }
        if let language, !isSQL, expression != nil { notes.append("Expression language: \(language)") }
        var unit = metric.unitOfMeasurement
        if unit?.uppercased() == "OTHER", let custom = metric.customUnitOfMeasurement, !custom.isEmpty { unit = custom }
        return MetricDefinition(
            id: id, name: slug(metric.name),
            displayName: metric.displayName.flatMap { $0.isEmpty ? nil : $0 } ?? metric.name,
            category: category(tags), sql: isSQL ? expression ?? "" : "",
            description: RichText.plain(metric.description),
            type: metric.metricType?.lowercased() ?? tagValue(in: tags, prefixes: ["MetricType."])?.lowercased() ?? "",
            unit: unit ?? tagValue(in: tags, prefixes: ["Unit."]),
            grain: grain(metric.granularity) ?? tagValue(in: tags, prefixes: ["Grain."])?.lowercased() ?? "",
            expression: expression,
            dimensions: tags.compactMap { tagValue($0.tagFQN, prefixes: ["Dimension."]) }, notes: notes,
            source: MetadataSource.openMetadata)
    }

    /// `MONTH` → `monthly`, the words Agnes's grains use.
    static func grain(_ granularity: String?) -> String? {
        switch granularity?.uppercased() {
        case nil: nil
        case "SECOND": "second"
        case "MINUTE": "minute"
        case "HOUR": "hourly"
        case "DAY": "daily"
        case "WEEK": "weekly"
        case "MONTH": "monthly"
        case "QUARTER": "quarterly"
        case "YEAR": "yearly"
        case let other?: other.lowercased()
        }
    }

    /// The category tag's value as an id part, else `general`.
    static func category(_ tags: [OpenMetadataTagLabel]) -> String {
        let value = tagValue(in: tags, prefixes: ["MetricCategory.", "Category."]).map(slug) ?? ""
        return value.isEmpty ? "general" : value
    }

    /// `M1 Operational Margin` → `m1_operational_margin`: lower case, runs of anything but letters and
    /// digits as one `_`, none at the ends.
    static func slug(_ name: String) -> String {
        var result = ""
        var pendingSeparator = false
        for scalar in name.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingSeparator, !result.isEmpty { result.append("_") }
                pendingSeparator = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingSeparator = true
            }
        }
        return result.lowercased()
    }

    /// The first tag value after one of the prefixes.
    static func tagValue(in tags: [OpenMetadataTagLabel], prefixes: [String]) -> String? {
        tags.lazy.compactMap { tagValue($0.tagFQN, prefixes: prefixes) }.first
    }

    static func tagValue(_ fqn: String, prefixes: [String]) -> String? {
        for prefix in prefixes where fqn.hasPrefix(prefix) && fqn.count > prefix.count {
            return String(fqn.dropFirst(prefix.count))
        }
        return nil
    }

    static func ownerName(_ owner: OpenMetadataReference) -> String? {
        [owner.name, owner.displayName].lazy.compactMap { $0 }.first { !$0.isEmpty }
    }
}
