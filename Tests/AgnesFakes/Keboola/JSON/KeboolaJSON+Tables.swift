import Foundation

extension KeboolaJSON {
    /// A table as `GET /tables` lists it (`isDetail` false: `columns`, `metadata`, `columnMetadata`,
    /// `bucket` only as `include` asks) or as `GET /tables/{id}` details it (all of them, plus
    /// `definition` of a typed table and `sourceTable` of an alias) (apiary "List All Tables", "Table detail").
    static func table(_ table: StoredTable, include: Set<String>, isDetail: Bool, bucket: [String: Any], base: String)
        -> [String: Any]
    {
        var json: [String: Any] = [
            "uri": base + "/v2/storage/tables/" + table.id, "id": table.id, "name": table.name,
            "displayName": table.displayName ?? table.name, "transactional": false, "primaryKey": table.primaryKey,
            "created": date(table.created), "lastImportDate": date(table.lastImportDate),
            "lastChangeDate": date(table.lastChangeDate), "rowsCount": table.rowsCount,
            "dataSizeBytes": table.dataSizeBytes, "isAlias": table.aliasOf != nil, "isAliasable": table.aliasOf == nil,
            "isTyped": table.isTyped, "tableType": "table", "timestampType": "MANAGED",
        ]
        let columnMetadata = phpMap(table.columnMetadata.mapValues { $0.map(\.json) })
        if isDetail || include.contains("columns") { json["columns"] = table.columns }
        if isDetail || include.contains("metadata") { json["metadata"] = table.metadata.map(\.json) }
        if isDetail || include.contains("columnMetadata") {
            json["columnMetadata"] = table.aliasOf == nil ? columnMetadata : [Any]()
        }
        if isDetail || include.contains("buckets") { json["bucket"] = bucket }
        if let source = table.aliasOf {
            var sourceTable: [String: Any] = [
                "id": source, "uri": base + "/v2/storage/tables/" + source,
                "name": source.split(separator: ".").dropFirst(2).joined(separator: "."),
                "project": ["id": 579, "name": "Fake source project"],
            ]
            if isDetail || include.contains("columnMetadata") || include.contains("sourceColumnMetadata") {
                sourceTable["columnMetadata"] = columnMetadata
            }
            if isDetail || include.contains("sourceMetadata") { sourceTable["metadata"] = [Any]() }
            json["sourceTable"] = sourceTable
        }
        if isDetail && table.isTyped { json["definition"] = definition(table) }
        return json
    }

    /// A bucket (apiary "List all buckets"), with totals over its tables.
    static func bucket(id: String, tables: [StoredTable], include: Set<String>, base: String) -> [String: Any] {
        let parts = id.split(separator: ".", maxSplits: 1).map(String.init)
        let name = parts.count > 1 ? parts[1] : id
        var json: [String: Any] = [
            "uri": base + "/v2/storage/buckets/" + id, "id": id, "name": name,
            "displayName": name.hasPrefix("c-") ? String(name.dropFirst(2)) : name, "stage": parts[0],
            "description": "", "tables": base + "/v2/storage/buckets/" + id + "/tables",
            "created": date(tables.map(\.created).min()), "lastChangeDate": date(tables.map(\.lastChangeDate).max()),
            "isReadOnly": false, "dataSizeBytes": tables.reduce(0) { $0 + $1.dataSizeBytes },
            "rowsCount": tables.reduce(0) { $0 + $1.rowsCount }, "isMaintenance": false, "backend": "snowflake",
            "sharing": NSNull(), "hasExternalSchema": false,
        ]
        if include.contains("metadata") { json["metadata"] = [Any]() }
        return json
    }

    /// The `definition` of a typed table, from its `KBC.datatype.*` column metadata (provider `storage`
    /// first): base types only, as the apiary says ("never alias … always base types").
    static func definition(_ table: StoredTable) -> [String: Any] {
        let columns = table.columns.map { column -> [String: Any] in
            let entries = table.columnMetadata[column] ?? []
            func value(_ key: String) -> String? {
                (entries.first { $0.entry.key == key && $0.entry.provider == "storage" }
                    ?? entries.first { $0.entry.key == key })?.entry.value
            }
            let basetype = value("KBC.datatype.basetype") ?? "STRING"
            var definition: [String: Any] = [
                "type": value("KBC.datatype.type") ?? basetype,
                "nullable": !["", "0", "false"].contains(value("KBC.datatype.nullable") ?? "1"),
            ]
            if let length = value("KBC.datatype.length") {
                definition["length"] = Int(length).map { $0 as Any } ?? length
            }
            return ["name": column, "definition": definition, "basetype": basetype, "canBeFiltered": true]
        }
        return ["primaryKeysNames": table.primaryKey, "columns": columns]
    }
}
