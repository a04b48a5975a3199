import AgnesClient
import AgnesCore
import AgnesStore
import Foundation
import Logging
import Yams

/// `agnes admin metrics import|export`: metric definitions between YAML files and the server's
/// system store, written directly (REFERENCE §2.9; the server must be stopped).
///
/// YAML (REFERENCE §1.7): one mapping or a list; `name` and `category` required; id
/// `<category>/<name>`; `table` → `table_name`; `sql_by_<x>` keys → `sql_variants[by_<x>]`.
public enum MetricFiles {
    /// Metrics parsed from the YAML files at `path` (a file, or a directory of `*.yml`/`*.yaml`).
    public static func read(path: String) throws -> [MetricDefinition] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ClientError(.usage, "no such file or directory: \(path)")
        }
        let files: [String]
        if isDirectory.boolValue {
            let enumerator = FileManager.default.enumerator(atPath: path)
            files = (enumerator?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }
                .sorted().map { path + "/" + $0 }
        } else {
            files = [path]
        }
        return try files.flatMap { try parse(file: $0) }
    }

    static func parse(file: String) throws -> [MetricDefinition] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ClientError(.io, "could not read \(file)")
        }
        let object: Any?
        do { object = try Yams.load(yaml: String(decoding: data, as: UTF8.self)) } catch {
            throw ClientError(.usage, "\(file) is not valid YAML: \(error)")
        }
        let entries: [Any] = (object as? [Any]) ?? (object.map { [$0] } ?? [])
        return try entries.enumerated().map { index, entry in
            guard let mapping = entry as? [String: Any] else {
                throw ClientError(.usage, "\(file): entry \(index + 1) is not a mapping")
            }
            return try metric(from: mapping, file: file)
        }
    }

    /// One metric from a YAML mapping.
    static func metric(from yaml: [String: Any], file: String) throws -> MetricDefinition {
        func text(_ key: String) -> String? {
            guard let value = yaml[key] else { return nil }
            return (value as? String) ?? "\(value)"
        }
        func list(_ key: String) -> [String] { (yaml[key] as? [Any])?.map { "\($0)" } ?? [] }
        guard let name = text("name"), !name.isEmpty, let category = text("category"), !category.isEmpty else {
            throw ClientError(.usage, "\(file): every metric needs name and category")
        }
        var variants: [String: String] = [:]
        for (key, value) in yaml where key.hasPrefix("sql_by_") { variants[String(key.dropFirst(4))] = "\(value)" }
        if let explicit = yaml["sql_variants"] as? [String: Any] {
            for (key, value) in explicit { variants[key] = "\(value)" }
        }
        var validation: String?
        if let rules = yaml["validation"] {
            let data = try? JSONSerialization.data(withJSONObject: rules, options: [.sortedKeys])
            validation = data.map { String(decoding: $0, as: UTF8.self) }
        }
        return MetricDefinition(
            id: "\(category)/\(name)", name: name, displayName: text("display_name") ?? name, category: category,
            sql: text("sql") ?? "", description: text("description"), type: text("type") ?? "sum", unit: text("unit"),
            grain: text("grain") ?? "monthly", tableName: text("table") ?? text("table_name"), tables: list("tables"),
            expression: text("expression"), timeColumn: text("time_column"), dimensions: list("dimensions"),
            filters: list("filters"), synonyms: list("synonyms"), notes: list("notes"), sqlVariants: variants,
            validationJSON: validation, source: "yaml_import")
    }

    /// One metric as a YAML mapping (the import format).
    public static func yaml(_ metric: MetricDefinition) throws -> String {
        var mapping: [String: Any] = [
            "name": metric.name, "display_name": metric.displayName, "category": metric.category, "sql": metric.sql,
            "type": metric.type, "grain": metric.grain,
        ]
        mapping["description"] = metric.description
        mapping["unit"] = metric.unit
        mapping["table"] = metric.tableName
        mapping["expression"] = metric.expression
        mapping["time_column"] = metric.timeColumn
        for (key, value) in [
            ("tables", metric.tables), ("dimensions", metric.dimensions), ("filters", metric.filters),
            ("synonyms", metric.synonyms), ("notes", metric.notes),
        ] where !value.isEmpty {
            mapping[key] = value
        }
        for (key, value) in metric.sqlVariants { mapping["sql_\(key)"] = value }
        if let validation = metric.validationJSON, let data = validation.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data)
        {
            mapping["validation"] = object
        }
        return try Yams.dump(object: mapping, sortKeys: true)
    }

    /// Upserts `metrics` into the store of `dataDirectory`.
    public static func importInto(dataDirectory: String, metrics: [MetricDefinition], logger: Logger) async throws {
        let store = try await SystemStore.open(dataDirectory: dataDirectory, readers: 1, logger: logger)
        let repository = DuckDBMetricDefinitionRepository(store: store)
        for metric in metrics { try await repository.upsert(metric) }
    }

    /// Writes every metric of the store to `<directory>/<category>/<name>.yml`; returns the files.
    public static func export(dataDirectory: String, to directory: URL, logger: Logger) async throws -> [String] {
        let store = try await SystemStore.open(dataDirectory: dataDirectory, readers: 1, logger: logger)
        var written: [String] = []
        for metric in try await DuckDBMetricDefinitionRepository(store: store).list(category: nil) {
            let folder = directory.appendingPathComponent(safe(metric.category), isDirectory: true)
            try AtomicFile.createDirectory(folder)
            let file = folder.appendingPathComponent(safe(metric.name) + ".yml")
            try AtomicFile.write(try yaml(metric), to: file)
            written.append(file.path)
        }
        return written
    }

    static func safe(_ name: String) -> String {
        let cleaned = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "_" + cleaned : cleaned
    }
}
