import AgnesCore
import DuckDB
import Foundation

/// Builds the next analytics database file from every source's extract (the blocking part of a
/// rebuild).
///
/// Incremental: the previous generation's file is copied and only views whose source changed (its
/// extract or any of its data files), moved to another source or disappeared are touched, because
/// creating a view binds it, which reads its parquet footer: the dominant cost with many tables. The
/// bookkeeping lives in `_agnes_views (view_name, source_name, source_signature)` inside the file.
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
        /// Time per step of the build.
        var phases: [String: Int] = [:]
    }

    /// A readable source and its valid tables.
    struct InspectedSource {
        let source: Identifier
        let tables: [ExtractInspector.Table]
        /// The file each table's view reads, by table name.
        let dataFiles: [String: URL]
        let signature: String
        let file: URL
    }

    let layout: DataLayout
    let policy: RemoteAttachPolicy
    let owners: [String: String]
    let cache: InspectionCache

    static let options = [
        "threads": "2", "autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
    ]

    /// Writes `target` (a temporary file), starting from `previous` when it exists, and returns what it holds.
    func build(into target: URL, previous: URL?) throws -> Output {
        var output = Output()
        var clock = PhaseClock()
        var isIncremental = false
        if let previous, FileManager.default.fileExists(atPath: previous.path) {
            isIncremental = (try? FileManager.default.copyItem(at: previous, to: target)) != nil
        }
        var database = try? Database(path: target.path, options: Self.options)
        if database == nil, isIncremental {
            // A damaged previous generation is not worth keeping: start from scratch.
            try? FileManager.default.removeItem(at: target)
            isIncremental = false
        }
        if database == nil { database = try Database(path: target.path, options: Self.options) }
        let connection = try database!.connect()
        clock.lap("build.open")
        let inspected = try inspectSources(output: &output)
        clock.lap("build.inspect")
        let desired = resolveOwnership(inspected, output: &output)
        let existing = isIncremental ? try ViewLedger.read(connection) : nil
        // Binding a view needs its source attached; nothing else does.
        var attached: [InspectedSource] = []
        for source in inspected
        where ViewLedger.needsBinding(source: source.source, desired: desired, existing: existing) {
            do {
                try connection.execute(
                    "ATTACH \(SQLText.literal(source.file.path)) AS \(source.source.quoted) (READ_ONLY)")
                attached.append(source)
            } catch {
                output.issues.append(
                    RebuildIssue(
                        source: source.source.rawValue,
                        message: "extract.duckdb cannot be read: \(Self.describe(error))"))
            }
        }
        let created = try ViewLedger.apply(desired: desired, existing: existing, on: connection, issues: &output.issues)
        clock.lap("build.views")
        for source in inspected {
            output.sources[source.source.rawValue] = source.tables.map(\.name.rawValue).filter {
                created[$0] == source.source.rawValue
            }
        }
        let counts = try columnCounts(connection)
        for source in inspected {
            for table in source.tables where created[table.name.rawValue] == source.source.rawValue {
                let file = table.queryMode == "local" ? source.dataFiles[table.name.rawValue] : nil
                output.views.append(
                    PublishedView(
                        source: source.source, table: table, columns: counts[table.name.rawValue] ?? 0, file: file))
            }
        }
        output.claims = output.claims.filter { created[$0.viewName] == $0.sourceName }
        clock.lap("build.columns")
        // Attachments are not stored in the file; readers attach the extracts themselves.
        for source in attached { try? connection.execute("DETACH \(source.source.quoted)") }
        clock.lap("build.detach")
        try connection.execute("CHECKPOINT")
        clock.lap("build.checkpoint")
        output.phases = clock.phases
        return output
    }

    /// Reads every extract's `_meta` on a scratch database where each is attached alone, so that
    /// catalog queries never enumerate the other sources or the analytics views. An extract file that
    /// has not changed since the last rebuild of this process is not read again.
    private func inspectSources(output: inout Output) throws -> [InspectedSource] {
        var scratch: Connection?
        var inspected: [InspectedSource] = []
        for (name, file) in layout.extractFiles() {
            guard let source = Identifier(name) else {
                output.issues.append(
                    RebuildIssue(source: name, message: "source directory name is not a valid identifier; skipped"))
                continue
            }
            let extractStamp = SourceSignature.stamp(file)
            let entry: InspectionCache.Entry
            if let cached = cache.entry(source: name, extractStamp: extractStamp) {
                entry = cached
            } else {
                if scratch == nil { scratch = try Database(options: ["threads": "1"]).connect() }
                guard
                    let fresh = inspect(
                        source: source, file: file, extractStamp: extractStamp, on: scratch!, output: &output)
                else {
                    cache.forget(source: name)
                    continue
                }
                cache.store(source: name, fresh)
                entry = fresh
            }
            output.issues.append(contentsOf: entry.issues)
            let signature = SourceSignature.of(
                extract: file, dataFiles: entry.tables.compactMap { entry.dataFiles[$0.name.rawValue] })
            inspected.append(
                InspectedSource(
                    source: source, tables: entry.tables, dataFiles: entry.dataFiles, signature: signature, file: file))
            output.readSources[name] = Set(entry.tables.map(\.name.rawValue))
        }
        return inspected
    }

    /// Inspects one extract; nil (with the problem in `output.issues`) when it cannot be used at all.
    private func inspect(
        source: Identifier, file: URL, extractStamp: String, on connection: Connection, output: inout Output
    ) -> InspectionCache.Entry? {
        let name = source.rawValue
        do {
            try connection.execute("ATTACH \(SQLText.literal(file.path)) AS \(source.quoted) (READ_ONLY)")
        } catch {
            output.issues.append(
                RebuildIssue(source: name, message: "extract.duckdb cannot be read: \(Self.describe(error))"))
            return nil
        }
        defer { try? connection.execute("DETACH \(source.quoted)") }
        let inspector = ExtractInspector(connection: connection, source: source, policy: policy)
        var issues: [RebuildIssue] = []
        do {
            let tables = try inspector.tables(issues: &issues)
            for attachment in try inspector.remoteAttachments(issues: &issues) {
                issues.append(
                    RebuildIssue(
                        source: name,
                        message:
                            "remote catalog \(attachment.alias) (\(attachment.extensionName)) cannot be attached in this build; its views are skipped"
                    ))
            }
            var dataFiles: [String: URL] = [:]
            for table in tables {
                dataFiles[table.name.rawValue] = layout.readFile(
                    source: source, table: table.name, recordedVersion: table.versionFile)
            }
            return InspectionCache.Entry(
                extractStamp: extractStamp, tables: tables, issues: issues, dataFiles: dataFiles,
                versionFiles: Set(tables.compactMap(\.versionFile)))
        } catch {
            output.issues.append(RebuildIssue(source: name, message: Self.describe(error)))
            return nil
        }
    }

    /// First-come ownership: a name stays with the source that claimed it; it is released only when
    /// every source was read cleanly and its owner no longer lists it.
    private func resolveOwnership(_ inspected: [InspectedSource], output: inout Output) -> [ViewLedger.Entry] {
        var owners = self.owners
        let unreadable = output.issues.contains { $0.table == nil && output.readSources[$0.source] == nil }
        if !unreadable {
            for (view, owner) in owners.sorted(by: { $0.key < $1.key })
            where !(output.readSources[owner]?.contains(view) ?? false) {
                output.releases.append(ViewOwnership(viewName: view, sourceName: owner))
                owners[view] = nil
            }
        }
        var desired: [ViewLedger.Entry] = []
        for source in inspected {
            for table in source.tables {
                let view = table.name.rawValue
                if let owner = owners[view], owner != source.source.rawValue {
                    output.issues.append(
                        RebuildIssue(
                            source: source.source.rawValue, table: view,
                            message: "view name already published by source \(owner); skipped"))
                    continue
                }
                if owners[view] == nil {
                    owners[view] = source.source.rawValue
                    output.claims.append(ViewOwnership(viewName: view, sourceName: source.source.rawValue))
                }
                desired.append(ViewLedger.Entry(view: table.name, source: source.source, signature: source.signature))
            }
        }
        return desired
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
