import AgnesConnectors
import AgnesCore
import Foundation
import HTTPTypes

/// The checks a registration passes before it is written (REFERENCE §1.9, with our one table
/// identity): every failure is a 422 whose `detail` starts with the field it concerns.
struct RegistrationRules {
    static let sourceTypes = ["keboola", "bigquery", "jira", "local"]
    let settings: AgnesSettings
    /// Whether a source type is one of this server's custom connectors (`CONNECTORS_DIR/<name>`): those
    /// register their own tables, which admins may then edit like any other.
    var isCustomSource: (String) -> Bool = { _ in false }

    /// Whether a source type can be used here: `local` always; another when it is the primary data
    /// source or has its own `data_source.<type>` block (Jira: a `jira` section or `JIRA_BASE_URL`).
    func isConfigured(_ sourceType: String) -> Bool {
        switch sourceType {
        case "local": return true
        case "jira":
            let section = settings.instance["jira"]?.objectValue ?? [:]
            return !section.isEmpty || settings.environment["JIRA_BASE_URL"] != nil
                || settings.environment["JIRA_DOMAIN"] != nil
        default:
            if settings.dataSourceType.rawValue == sourceType { return true }
            guard let block = settings.instance["data_source.\(sourceType)"], !block.isNull else { return false }
            return true
        }
    }

    /// The source types configured here.
    var configuredTypes: [String] { Self.sourceTypes.filter(isConfigured) }

    /// BigQuery's rules (REFERENCE §1.9): a remote table names its dataset (`bucket`) and table; a
    /// materialized one without SQL too (it copies the whole table); dataset names are letters, digits
    /// and `_`, table names BigQuery's wider set (letters, marks, numbers, `_`, `-`, spaces); the data
    /// project, when configured, has the shape of a Google Cloud project id.
    func checkBigQuery(_ table: TableRegistration) throws(APIError) {
        let needsTable =
            table.queryMode == .remote
            || (table.queryMode == .materialized && (table.sourceQuery ?? "").allSatisfy(\.isWhitespace))
        if needsTable {
            guard let dataset = table.bucket, !dataset.isEmpty else {
                throw invalid("bucket", "a BigQuery table needs its dataset (bucket)")
            }
            guard let name = table.sourceTable, !name.isEmpty else {
                throw invalid("source_table", "a BigQuery table needs its table name (source_table)")
            }
            guard dataset.range(of: #"^[A-Za-z0-9_]{1,1024}$"#, options: .regularExpression) != nil else {
                throw invalid("bucket", "'\(dataset)' is not a BigQuery dataset name (letters, digits, _)")
            }
            guard name.range(of: #"^[\p{L}\p{M}\p{N}_\- ]{1,1024}$"#, options: .regularExpression) != nil else {
                throw invalid("source_table", "'\(name)' is not a BigQuery table name")
            }
        }
        if let project = settings.bigquery.dataProject,
            project.range(of: #"^[a-z][a-z0-9-]{4,28}[a-z0-9]$"#, options: .regularExpression) == nil
        {
            throw invalid(
                "source_type", "data_source.bigquery.project '\(project)' is not a Google Cloud project id")
        }
    }

    /// Checks a complete registration.
    func check(_ table: TableRegistration) throws(APIError) {
        try checkName(table.name, id: table.id)
        let source = table.sourceType ?? ""
        let isCustom = isCustomSource(source)
        guard Self.sourceTypes.contains(source) || isCustom else {
            throw invalid("source_type", "must be one of \(Self.sourceTypes.joined(separator: ", "))")
        }
        guard isCustom || isConfigured(source) else {
            throw invalid(
                "source_type",
                "\(source) is not configured on this server (configured: \(configuredTypes.joined(separator: ", ")))")
        }
        if let schedule = table.syncSchedule {
            do { _ = try Schedule(parsing: schedule) } catch { throw invalid("sync_schedule", error.description) }
        }
        switch table.queryMode {
        case .materialized:
            if source != "bigquery", (table.sourceQuery ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw invalid("source_query", "a materialized table needs the SQL that makes it")
            }
            if source == "local" || source == "jira" || isCustom {
                throw invalid("query_mode", "materialized tables come from keboola or bigquery, not \(source)")
            }
        case .remote:
            guard source == "keboola" || source == "bigquery" else {
                throw invalid("query_mode", "remote tables come from keboola or bigquery, not \(source)")
            }
            if table.bucket == nil { throw invalid("bucket", "a remote table needs its bucket or dataset") }
            if table.sourceTable == nil { throw invalid("source_table", "a remote table needs its source table") }
            if table.sourceTable?.contains("*") == true {
                throw invalid("source_table", "wildcards are not allowed in a remote table")
            }
        case .local:
            break
        }
        if source == "bigquery" { try checkBigQuery(table) }
        if let query = table.sourceQuery, table.queryMode != .materialized, query.contains("`") {
            throw invalid("source_query", "backticks are only allowed in materialized SQL")
        }
        if source == "local", let file = table.sourceTable {
            let fileExtension = URL(fileURLWithPath: file).pathExtension.lowercased()
            let isFileName = LocalFilesSource.readers[fileExtension] != nil
            guard !file.contains("/"), !file.contains("\\"), !file.hasPrefix("."),
                isFileName || Identifier.derived(from: file) != nil
            else {
                throw invalid(
                    "source_table",
                    "a local table's source_table is a file name in sources/local (ending in .csv, .tsv, .json, .ndjson, .jsonl or .parquet) or the name it gives"
                )
            }
        }
        try checkText("bucket", table.bucket, limit: 1024)
        try checkText("source_table", table.sourceTable, limit: 1024)
        try checkText("folder", table.folder, limit: 200)
        if let description = table.description, description.count > 10_000 {
            throw invalid("description", "at most 10,000 characters")
        }
        if let query = table.sourceQuery, query.utf8.count > 1_000_000 {
            throw invalid("source_query", "at most 1 MB of SQL")
        }
        guard table.primaryKey.count <= 64,
            table.primaryKey.allSatisfy({ !$0.isEmpty && $0.count <= 256 && !Self.hasControl($0) })
        else { throw invalid("primary_key", "up to 64 non-empty column names") }
        try checkText("partition_by", table.partitionBy, limit: 256)
        if table.partitionBy != nil, table.syncStrategy != .partitioned {
            throw invalid("partition_by", "only partitioned tables have a partition column (sync_strategy: partitioned)")
        }
        if table.syncStrategy == .partitioned, table.sourceType == "keboola", table.queryMode == .local, table.partitionBy == nil {
            throw invalid("partition_by", "a partitioned Keboola table needs the column whose values split it")
        }
    }

    /// A name and the id it gives: the id names the view, the file and the grant, so it must be a
    /// valid table name.
    func checkName(_ name: String, id: String) throws(APIError) {
        guard !name.isEmpty else { throw invalid("name", "must not be empty") }
        guard name.count <= 200, !Self.hasControl(name) else {
            throw invalid("name", "at most 200 characters, no control characters")
        }
        guard id.utf8.count <= 63, Identifier.isValid(id), Identifier.derived(from: id)?.rawValue == id else {
            let hint = Identifier.derived(from: id).map { " (e.g. '\($0)')" } ?? ""
            throw invalid(
                "name",
                "'\(name)' gives the table id '\(id)', which is not a valid table name: use lowercase letters, digits and single underscores, starting with a letter\(hint)"
            )
        }
    }

    private func checkText(_ field: String, _ value: String?, limit: Int) throws(APIError) {
        guard let value else { return }
        guard value.count <= limit, !Self.hasControl(value) else {
            throw invalid(field, "at most \(limit) characters, no control characters")
        }
    }

    static func hasControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.isInvisibleControl }
    }

    private func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, "\(field): \(message)")
    }
}
