import Foundation

extension OpenMetadataSettings {
    /// The fully qualified name a registered table has in OpenMetadata: its entry in `tables`, else
    /// `fqn_template` filled in (`bigquery.{id}` → `bigquery.orders`); nil when the template names a
    /// field the registration leaves empty (a `{bucket}` of a table without one).
    ///
    /// ```swift
    /// OpenMetadataSettings(fqnTemplate: "bigquery.acme.{bucket}.{source_table}")
    ///     .fqn(for: TableRegistration(id: "orders", name: "orders", bucket: "sales", sourceTable: "orders"))
    /// // "bigquery.acme.sales.orders"
    /// ```
    public func fqn(for table: TableRegistration) -> String? {
        if let explicit = tableFQNs[table.id] { return explicit }
        let values: [String: String?] = [
            "id": table.id, "name": table.name, "bucket": table.bucket, "source_table": table.sourceTable,
            "source_type": table.sourceType,
        ]
        var result = fqnTemplate
        for name in Set(Self.placeholders(in: fqnTemplate)) {
            guard let value = values[name] ?? nil, !value.isEmpty else { return nil }
            result = result.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return result
    }
}
