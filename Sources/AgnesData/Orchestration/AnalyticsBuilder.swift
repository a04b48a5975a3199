import AgnesCore
import DuckDB
import Foundation

/// Builds a new analytics database file from every source's extract (the blocking part of a rebuild).
struct AnalyticsBuilder {
    /// What the build found for one published view.
    struct PublishedView: Sendable {
        let source: Identifier
        let table: ExtractInspector.Table
        let columns: Int
        let file: URL?
    }

    struct Output: Sendable {
        var views: [PublishedView] = []
        var issues: [RebuildIssue] = []
        var sources: [String: [String]] = [:]
        var claims: [ViewOwnership] = []
        var releases: [ViewOwnership] = []
        /// Sources that could be read, with every table name they list (for ownership reconciling).
        var readSources: [String: Set<String>] = [:]
    }

    let layout: DataLayout
    let policy: RemoteAttachPolicy
    let owners: [String: String]

    /// Writes `target` (a temporary file) and returns what it holds.
    func build(into target: URL) throws -> Output {
        var output = Output()
        let database = try Database(path: target.path, options: ["threads": "2", "autoinstall_known_extensions": "false", "autoload_known_extensions": "false"])
        let connection = try database.connect()
        var inspected: [(Identifier, [ExtractInspector.Table])] = []
        for (name, file) in layout.extractFiles() {
            guard let source = Identifier(name) else {
                output.issues.append(RebuildIssue(source: name, message: "source directory name is not a valid identifier; skipped"))
                continue
            }
            do {
                try connection.execute("ATTACH \(SQLText.literal(file.path)) AS \(source.quoted) (READ_ONLY)")
            } catch {
                output.issues.append(RebuildIssue(source: name, message: "extract.duckdb cannot be read: \(Self.describe(error))"))
                continue
            }
            let inspector = ExtractInspector(connection: connection, source: source, policy: policy)
            do {
                let tables = try inspector.tables(issues: &output.issues)
                let attachments = try inspector.remoteAttachments(issues: &output.issues)
                for attachment in attachments {
                    output.issues.append(
                        RebuildIssue(
                            source: name,
                            message: "remote catalog \(attachment.alias) (\(attachment.extensionName)) cannot be attached in this build; its views are skipped"))
                }
                inspected.append((source, tables))
                output.readSources[name] = Set(tables.map(\.name.rawValue))
            } catch {
                output.issues.append(RebuildIssue(source: name, message: Self.describe(error)))
                try? connection.execute("DETACH \(source.quoted)")
            }
        }
        var owners = self.owners
        // Names whose owner no longer publishes them are released, but only when every source was read
        // cleanly: a source that failed to read must not lose its names to another.
        let everySourceRead = !output.issues.contains { $0.table == nil && output.readSources[$0.source] == nil }
        if everySourceRead {
            for (view, owner) in owners.sorted(by: { $0.key < $1.key }) where !(output.readSources[owner]?.contains(view) ?? false) {
                output.releases.append(ViewOwnership(viewName: view, sourceName: owner))
                owners[view] = nil
            }
        }
        try connection.execute("BEGIN TRANSACTION")
        for (source, tables) in inspected {
            var published: [String] = []
            for table in tables {
                let view = table.name.rawValue
                if let owner = owners[view], owner != source.rawValue {
                    output.issues.append(
                        RebuildIssue(source: source.rawValue, table: view, message: "view name already published by source \(owner); skipped"))
                    continue
                }
                do {
                    // Bind first: a failed statement would abort the transaction that keeps this fast.
                    _ = try connection.prepare("SELECT * FROM \(source.quoted).\(table.name.quoted) LIMIT 0")
                    try connection.execute("CREATE OR REPLACE VIEW main.\(table.name.quoted) AS SELECT * FROM \(source.quoted).\(table.name.quoted)")
                } catch {
                    output.issues.append(RebuildIssue(source: source.rawValue, table: view, message: "view cannot be created: \(Self.describe(error))"))
                    continue
                }
                if owners[view] == nil {
                    owners[view] = source.rawValue
                    output.claims.append(ViewOwnership(viewName: view, sourceName: source.rawValue))
                }
                published.append(view)
                let file = table.queryMode == "local" ? layout.dataFile(source: source, table: table.name) : nil
                output.views.append(PublishedView(source: source, table: table, columns: 0, file: file))
            }
            output.sources[source.rawValue] = published
        }
        try connection.execute("COMMIT")
        let counts = try columnCounts(connection)
        output.views = output.views.map { view in
            PublishedView(source: view.source, table: view.table, columns: counts[view.table.name.rawValue] ?? 0, file: view.file)
        }
        // Attachments are not stored in the file; readers attach the extracts themselves.
        for source in inspected.map(\.0) { try? connection.execute("DETACH \(source.quoted)") }
        try connection.execute("CHECKPOINT")
        return output
    }

    private func columnCounts(_ connection: Connection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try connection.query(
            "SELECT table_name, count(*) AS n FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' GROUP BY table_name"
        ).records {
            if let name = row["table_name"].string { counts[name] = row["n"].int ?? 0 }
        }
        return counts
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DuckDBError { return error.message }
        return "\(error)"
    }
}
