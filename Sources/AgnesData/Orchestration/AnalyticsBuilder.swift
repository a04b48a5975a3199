import AgnesCore
import DuckDB
import Foundation
import Synchronization

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

    /// Reads every extract's `_meta` on scratch databases where each is attached alone, so that
    /// catalog queries never enumerate the other sources or the analytics views. An extract file that
    /// has not changed since the last rebuild of this process is not read again; the others are read on
    /// two threads at once (each with its own scratch database), which halves a cold start's inspection.
    private func inspectSources(output: inout Output) throws -> [InspectedSource] {
        struct Listed {
            let name: String
            let file: URL
            let source: Identifier?
            let stamp: String
        }
        let listed = layout.extractFiles().map { name, file in
            Listed(name: name, file: file, source: Identifier(name), stamp: SourceSignature.stamp(file))
        }
        let pending = listed.indices.filter { index in
            listed[index].source != nil
                && cache.entry(source: listed[index].name, extractStamp: listed[index].stamp) == nil
        }
        let fresh = try inspectAll(pending.map { (listed[$0].source!, listed[$0].file, listed[$0].stamp) })
        var freshByIndex: [Int: Inspection] = [:]
        for (position, index) in pending.enumerated() { freshByIndex[index] = fresh[position] }

        var inspected: [InspectedSource] = []
        for (index, item) in listed.enumerated() {
            guard let source = item.source else {
                output.issues.append(
                    RebuildIssue(source: item.name, message: "source directory name is not a valid identifier; skipped")
                )
                continue
            }
            let entry: InspectionCache.Entry
            if let inspection = freshByIndex[index] {
                guard let new = inspection.entry else {
                    if let failure = inspection.failure { output.issues.append(failure) }
                    cache.forget(source: item.name)
                    continue
                }
                cache.store(source: item.name, new)
                entry = new
            } else if let cached = cache.entry(source: item.name, extractStamp: item.stamp) {
                entry = cached
            } else {
                continue  // cannot happen: every source without a cache entry was inspected above
            }
            output.issues.append(contentsOf: entry.issues)
            let signature = SourceSignature.of(
                extract: item.file, dataFiles: entry.tables.compactMap { entry.dataFiles[$0.name.rawValue] })
            inspected.append(
                InspectedSource(
                    source: source, tables: entry.tables, dataFiles: entry.dataFiles, signature: signature,
                    file: item.file))
            output.readSources[item.name] = Set(entry.tables.map(\.name.rawValue))
        }
        return inspected
    }

    /// What inspecting one extract gave: its entry, or the reason it cannot be used.
    struct Inspection: Sendable {
        let entry: InspectionCache.Entry?
        let failure: RebuildIssue?
    }

    /// Inspects `extracts` on up to two threads, each with its own scratch database; results in order.
    private func inspectAll(_ extracts: [(source: Identifier, file: URL, stamp: String)]) throws -> [Inspection] {
        guard !extracts.isEmpty else { return [] }
        let work = InspectionWork(count: extracts.count)
        DispatchQueue.concurrentPerform(iterations: min(2, extracts.count)) { _ in
            do {
                let scratch = try Database(options: ["threads": "1"]).connect()
                while let index = work.claim() {
                    let extract = extracts[index]
                    work.record(
                        index,
                        inspect(source: extract.source, file: extract.file, extractStamp: extract.stamp, on: scratch))
                }
            } catch {
                work.fail(error)
            }
        }
        return try work.results()
    }

    /// Inspects one extract; the reason instead of an entry when it cannot be used at all. Blocking.
    private func inspect(source: Identifier, file: URL, extractStamp: String, on connection: Connection)
        -> Inspection
    {
        let name = source.rawValue
        do {
            try connection.execute("ATTACH \(SQLText.literal(file.path)) AS \(source.quoted) (READ_ONLY)")
        } catch {
            return Inspection(
                entry: nil,
                failure: RebuildIssue(source: name, message: "extract.duckdb cannot be read: \(Self.describe(error))"))
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
            let entry = InspectionCache.Entry(
                extractStamp: extractStamp, tables: tables, issues: issues, dataFiles: dataFiles,
                versionFiles: Set(tables.flatMap(\.versionFiles)))
            return Inspection(entry: entry, failure: nil)
        } catch {
            return Inspection(entry: nil, failure: RebuildIssue(source: name, message: Self.describe(error)))
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

/// The shared state of ``AnalyticsBuilder``'s parallel inspection: the next extract to claim, the
/// results by position, and the first error that stopped a worker.
private final class InspectionWork: Sendable {
    private struct State {
        var next = 0
        var results: [AnalyticsBuilder.Inspection?]
        var error: (any Error)?
    }

    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(results: Array(repeating: nil, count: count))) }

    /// The index of an extract nobody inspects yet, nil when none is left.
    func claim() -> Int? {
        state.withLock { state in
            guard state.next < state.results.count else { return nil }
            defer { state.next += 1 }
            return state.next
        }
    }

    func record(_ index: Int, _ inspection: AnalyticsBuilder.Inspection) {
        state.withLock { $0.results[index] = inspection }
    }

    func fail(_ error: any Error) { state.withLock { if $0.error == nil { $0.error = error } } }

    /// Every result in order; the first error when a worker could not run.
    func results() throws -> [AnalyticsBuilder.Inspection] {
        try state.withLock { state in
            if let error = state.error { throw error }
            return state.results.map { $0! }
        }
    }
}
