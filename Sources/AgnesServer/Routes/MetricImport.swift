import AgnesCore
import Foundation
import HTTPTypes

/// The metrics of an uploaded YAML file (`POST /api/admin/metrics/import`, REFERENCE §1.7): one mapping
/// or a list of them; entries that are not mappings are skipped. Each needs `name` and `category`; its
/// id is `<category>/<name>`; `table` (or else `table_name`) is the main table; every `sql_by_<x>` key
/// becomes the SQL variant `by_<x>`; `display_name` defaults to the name, `type` to `sum`, `grain` to
/// `monthly`, `sql` to empty; the source is `yaml_import`.
///
/// Every entry is checked before anything is stored, so a bad entry imports nothing (the original
/// stored the entries before it). A document that is a lone scalar is refused (the original imported
/// nothing and said so with `count: 0`).
///
/// ```swift
/// let metrics = try MetricImport.metrics(fromYAML: "name: mrr\ncategory: revenue\nsql: SELECT 1\n")
/// metrics[0].id  // "revenue/mrr"
/// ```
enum MetricImport {
    /// The source recorded on imported metrics.
    static let source = "yaml_import"

    /// The metrics in `text`; 400 `Invalid YAML: …`, `Empty YAML file`, `Each metric must have 'name'
    /// and 'category' fields` or a detail naming a field of the wrong kind.
    static func metrics(fromYAML text: String) throws(APIError) -> [MetricDefinition] {
        let document: ConfigValue
        do {
            document = try ConfigValue.parseYAMLDocument(text, file: "upload")
        } catch {
            let detail = error.message.dropPrefix("upload: ").replacingOccurrences(of: "invalid YAML: ", with: "")
            throw APIError(.badRequest, "Invalid YAML: \(detail)")
        }
        let entries: [ConfigValue]
        switch document {
        case .array(let elements) where !elements.isEmpty: entries = elements
        case .object(let fields) where !fields.isEmpty: entries = [document]
        case .null, .array, .object, .string(""): throw APIError(.badRequest, "Empty YAML file")
        default: throw APIError(.badRequest, "Expected a metric mapping or a list of metric mappings")
        }
        var metrics: [MetricDefinition] = []
        for case .object(let fields) in entries {
            metrics.append(try metric(fields))
        }
        return metrics
    }

    /// One entry as a metric.
    static func metric(_ fields: [String: ConfigValue]) throws(APIError) -> MetricDefinition {
        guard let name = scalar(fields["name"]), !name.isEmpty, let category = scalar(fields["category"]),
            !category.isEmpty
        else {
            throw APIError(.badRequest, "Each metric must have 'name' and 'category' fields")
        }
        let id = "\(category)/\(name)"
        let entry = Entry(id: id, fields: fields)
        var variants: [String: String] = [:]
        for key in fields.keys where key.hasPrefix("sql_by_") {
            variants[String(key.dropFirst("sql_".count))] = try entry.text(key)
        }
        let tableName = try entry.text("table")
        let fallbackTableName = try entry.text("table_name")
        return MetricDefinition(
            id: id, name: name, displayName: try entry.text("display_name") ?? name, category: category,
            sql: try entry.text("sql") ?? "", description: try entry.text("description"),
            type: try entry.text("type") ?? "sum", unit: try entry.text("unit"),
            grain: try entry.text("grain") ?? "monthly",
            tableName: tableName ?? fallbackTableName, tables: try entry.list("tables"),
            expression: try entry.text("expression"), timeColumn: try entry.text("time_column"),
            dimensions: try entry.list("dimensions"), filters: try entry.list("filters"),
            synonyms: try entry.list("synonyms"), notes: try entry.list("notes"), sqlVariants: variants,
            validationJSON: try entry.json("validation"), source: source)
    }

    /// A scalar as text (`2024` and `true` as written); nil for null, lists and mappings.
    static func scalar(_ value: ConfigValue?) -> String? {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        default: nil
        }
    }

    /// Typed access to one entry's fields, with errors that name the metric and the field.
    struct Entry {
        let id: String
        let fields: [String: ConfigValue]

        /// A text field; nil when absent or null.
        func text(_ key: String) throws(APIError) -> String? {
            guard let value = fields[key], !value.isNull else { return nil }
            guard let text = MetricImport.scalar(value) else { throw wrongKind(key, "text") }
            return text
        }

        /// A list of texts; empty when absent or null.
        func list(_ key: String) throws(APIError) -> [String] {
            guard let value = fields[key], !value.isNull else { return [] }
            guard let elements = value.arrayValue else { throw wrongKind(key, "a list") }
            var texts: [String] = []
            for element in elements {
                guard let text = MetricImport.scalar(element) else { throw wrongKind(key, "a list of texts") }
                texts.append(text)
            }
            return texts
        }

        /// Any value as JSON text; nil when absent or null.
        func json(_ key: String) throws(APIError) -> String? {
            guard let value = fields[key], !value.isNull else { return nil }
            do {
                return String(decoding: try JSONBody.encoder.encode(value), as: UTF8.self)
            } catch {
                throw wrongKind(key, "a JSON value")
            }
        }

        private func wrongKind(_ key: String, _ expected: String) -> APIError {
            APIError(.badRequest, "Metric '\(id)': '\(key)' must be \(expected)")
        }
    }
}

extension String {
    fileprivate func dropPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
