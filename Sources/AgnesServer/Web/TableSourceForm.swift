import AgnesCore

/// What the registration form asks for one source type (REFERENCE §1.9): the fields that source reads,
/// its query modes and sync strategies, and the discovery pickers that fill the form from
/// `GET /api/admin/discover-tables`. ``WebScript`` fills a picker from its URL and copies the chosen
/// entry into the named fields (`data-fill`), so a picker needs no code of its own.
struct TableSourceForm {
    /// A `<select data-discover>` of what the source offers.
    struct Picker {
        let id: String
        let label: String
        /// The discovery URL; `{field}` is the form's field of that name (the picker reloads when it changes).
        let url: String
        /// The answer's list of entries.
        let items: String
        /// An entry's text: `{key}` is the entry's value.
        let text: String
        /// `field={key}` pairs, space-separated: what choosing an entry sets.
        let fill: String
        /// The entry key whose value groups entries (`<optgroup>`), if any.
        var group: String = ""
        /// Entry keys that make an entry unchoosable when set (`registered`, `problem`).
        var disable: String = "registered"

        var values: [String: Any] {
            [
                "picker_id": id, "picker_label": label, "picker_url": url, "picker_items": items,
                "picker_text": text, "picker_fill": fill, "picker_group": group, "picker_disable": disable,
            ]
        }
    }

    let type: String
    let label: String
    let summary: String
    /// The label of `bucket`, nil when the source has none.
    let bucketLabel: String?
    /// The label of `source_table`, nil when the source has none.
    let sourceTableLabel: String?
    let queryModes: [QueryMode]
    let strategies: [SyncStrategy]
    let pickers: [Picker]

    /// Whether the form shows `source_query`, `primary_key` and `partition_by`.
    var hasSQL: Bool { queryModes.contains(.materialized) }
    var hasKeys: Bool { !strategies.isEmpty }

    static let local = TableSourceForm(
        type: "local", label: "Local file",
        summary:
            "A CSV, TSV, JSON or Parquet file in the server's sources/local folder (uploaded or placed there), synced into a table.",
        bucketLabel: nil, sourceTableLabel: "File in sources/local", queryModes: [.local],
        strategies: [.fullRefresh],
        pickers: [
            Picker(
                id: "pick-file", label: "Files in sources/local",
                url: "/api/admin/discover-tables?source_type=local", items: "tables", text: "{name}",
                fill: "source_table={name} name={id}", disable: "registered problem")
        ])

    static let keboola = TableSourceForm(
        type: "keboola", label: "Keboola",
        summary:
            "A table of the Keboola Storage API: copied here (local), queried in place (remote), or made by SQL run in Keboola (materialized).",
        bucketLabel: "Bucket", sourceTableLabel: "Table", queryModes: [.local, .remote, .materialized],
        strategies: SyncStrategy.allCases,
        pickers: [
            Picker(
                id: "pick-keboola", label: "Keboola tables, by bucket",
                url: "/api/admin/discover-tables?source_type=keboola", items: "tables", text: "{name}",
                fill: "bucket={bucket_id} source_table={name} name={registry_id} primary_key={primary_key}",
                group: "bucket_id")
        ])

    static let bigquery = TableSourceForm(
        type: "bigquery", label: "BigQuery",
        summary:
            "A table or view of the BigQuery data project: queried in place (remote), or copied by SQL (materialized).",
        bucketLabel: "Dataset", sourceTableLabel: "Table", queryModes: [.remote, .materialized], strategies: [],
        pickers: [
            Picker(
                id: "pick-dataset", label: "Datasets", url: "/api/admin/discover-tables?source_type=bigquery",
                items: "datasets", text: "{dataset_id}", fill: "bucket={dataset_id}", disable: ""),
            Picker(
                id: "pick-bigquery", label: "Tables of the dataset",
                url: "/api/admin/discover-tables?source_type=bigquery&dataset={bucket}", items: "tables",
                text: "{table_id} ({table_type})", fill: "source_table={table_id} name={registry_id}"),
        ])

    static let jira = TableSourceForm(
        type: "jira", label: "Jira",
        summary: "One of the Jira tables, kept current by Jira's webhooks and the Jira jobs.",
        bucketLabel: nil, sourceTableLabel: nil, queryModes: [.local], strategies: [],
        pickers: [
            Picker(
                id: "pick-jira", label: "Jira tables", url: "/api/admin/discover-tables?source_type=jira",
                items: "tables", text: "{name}", fill: "name={id}", disable: "registered problem")
        ])

    /// Every source type the registry accepts, in ``RegistrationRules/sourceTypes`` order.
    static let all: [TableSourceForm] = RegistrationRules.sourceTypes.compactMap(named)

    static func named(_ type: String) -> TableSourceForm? {
        switch type {
        case "local": local
        case "keboola": keboola
        case "bigquery": bigquery
        case "jira": jira
        default: nil
        }
    }

    /// The form for editing a table of this source type: a custom connector's table gets every field.
    static func editing(_ type: String?) -> TableSourceForm {
        named(type ?? "local")
            ?? TableSourceForm(
                type: type ?? "", label: type ?? "", summary: "A table of a custom connector.", bucketLabel: "Bucket",
                sourceTableLabel: "Source table", queryModes: [.local], strategies: SyncStrategy.allCases, pickers: [])
    }

    /// The form's values for the `table_fields` partial, filled from `table` (a new registration: nil).
    func fieldValues(_ table: TableRegistration?) -> [String: Any] {
        let mode = table?.queryMode ?? queryModes.first ?? .local
        let modes = queryModes.contains(mode) ? queryModes : queryModes + [mode]
        let strategy = table?.syncStrategy ?? .fullRefresh
        var values: [String: Any] = [
            "field_name": table?.name ?? "", "field_description": table?.description ?? "",
            "field_folder": table?.folder ?? "", "field_schedule": table?.syncSchedule ?? "",
            "field_profile": table?.profileAfterSync ?? true,
            "has_modes": modes.count > 1, "only_mode": mode.rawValue,
            "modes": modes.map { ["mode": $0.rawValue, "mode_selected": $0 == mode] },
        ]
        if let bucketLabel { values["bucket"] = ["bucket_label": bucketLabel, "field_bucket": table?.bucket ?? ""] }
        if let sourceTableLabel {
            values["source_table"] = [
                "source_table_label": sourceTableLabel, "field_source_table": table?.sourceTable ?? "",
            ]
        }
        if hasSQL { values["sql"] = ["field_query": table?.sourceQuery ?? ""] }
        if hasKeys {
            let strategies = strategies.contains(strategy) ? strategies : strategies + [strategy]
            values["keys"] = [
                "field_primary_key": table?.primaryKey.joined(separator: ", ") ?? "",
                "field_partition_by": table?.partitionBy ?? "", "has_partition": strategies.contains(.partitioned),
                "has_strategies": strategies.count > 1, "only_strategy": strategy.rawValue,
                "strategies": strategies.map { ["strategy": $0.rawValue, "strategy_selected": $0 == strategy] },
            ]
        }
        return values
    }
}
