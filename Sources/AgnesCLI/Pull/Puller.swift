import AgnesClient
import Crypto
import DuckDB
import Foundation

/// `agnes pull` (REFERENCE §2.3): manifest → plan → parallel, resumable, verified downloads →
/// removals → local views → corporate-memory rules → knowledge table. All or nothing per table: a
/// table either gets its new, verified file or keeps its previous one; every failure is in the report.
///
/// ```swift
/// let report = try await Puller(api: api, workspace: workspace).run()
/// if !report.isSuccess { exit(1) }
/// ```
public struct Puller: Sendable {
    /// Progress of the downloads, for a progress bar.
    public enum Event: Sendable {
        /// Downloads begin: how many tables and bytes.
        case started(tables: Int, bytes: Int64)
        /// Bytes arrived.
        case received(Int64)
        /// One table is done (nil error: success).
        case finished(table: String, error: ClientError?)
        /// All downloads are done.
        case ended
    }

    /// The API client.
    public let api: AgnesAPI
    /// The workspace.
    public let workspace: Workspace
    /// The options.
    public var options: PullOptions
    /// Receives download progress.
    public var onEvent: @Sendable (Event) -> Void = { _ in }
    /// Waits between retries (tests pass one that does not sleep).
    public var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    /// Creates a puller.
    public init(api: AgnesAPI, workspace: Workspace, options: PullOptions = PullOptions()) {
        self.api = api
        self.workspace = workspace
        self.options = options
    }

    /// Pulls. Throws only when the manifest cannot be read (nothing is touched then); every other
    /// failure is recorded in the report.
    public func run() async throws -> PullReport {
        let clock = ContinuousClock()
        let started = clock.now
        var lap = started
        var report = PullReport()
        func mark(_ phase: String) {
            let now = clock.now
            report.phases.append(.init(name: phase, seconds: (now - lap).inSeconds))
            lap = now
        }
        let manifest = try await api.manifest()
        mark("manifest")
        let (workspace, verify, present) = (workspace, options.verify, presentTables())
        // One stat per table: off the cooperative pool, like every file access of the pull.
        var (state, plan) = try await offloaded("agnes.plan") {
            let state = SyncState.load(from: workspace)
            let plan = PullPlan.make(manifest: manifest.tables, state: state, present: present, verify: verify) {
                FileStamp.of(workspace.parquetFile($0).path)
            }
            return (state, plan)
        }
        try await settleSuspects(&plan, &state, manifest: manifest)
        mark("plan")
        report.parquetsTotal = plan.localCount
        report.remote = plan.remote
        report.removed = plan.removals
        for id in plan.invalid {
            report.errors.append(
                PullReport.Issue(
                    stage: "manifest", table: id,
                    ClientError(
                        .invalidResponse, "the manifest names a table \(id.debugDescription) that cannot be a file name"
                    )))
        }
        if options.dryRun {
            report.dryRun = true
            report.fetched = plan.fetches.map {
                .init(table: $0.table, reason: $0.reason, sizeBytes: $0.entry.sizeBytes)
            }
            report.durationSeconds = (clock.now - started).inSeconds
            return report
        }
        try remove(plan.removals, keepingPartsOf: Set(plan.fetches.map(\.table)), state: &state)
        let changed = await download(plan.fetches, state: &state, report: &report)
        if !changed.isEmpty || !plan.removals.isEmpty {
            do { try await Self.save(state, to: workspace) } catch let error as ClientError {
                report.errors.append(PullReport.Issue(stage: "state", table: nil, error))
            }
        }
        mark("download")
        await refreshViews(plan: plan, changed: changed, state: &state, report: &report)
        mark("views")
        await writeRules(&report)
        mark("rules")
        await writeKnowledge(&report)
        mark("knowledge")
        state.lastSync = ISO8601DateFormatter().string(from: Date())
        state.server = api.server
        do { try await Self.save(state, to: workspace) } catch let error as ClientError {
            report.errors.append(PullReport.Issue(stage: "state", table: nil, error))
        }
        mark("state")
        report.durationSeconds = (clock.now - started).inSeconds
        return report
    }

    /// Saves the state (an fsync'd write) off the cooperative pool.
    static func save(_ state: SyncState, to workspace: Workspace) async throws {
        try await offloaded("agnes.state") { try state.save(to: workspace) }
    }

    /// Table ids with a file in `server/parquet/`.
    func presentTables() -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: workspace.parquetDirectory.path)) ?? []
        return Set(names.filter { $0.hasSuffix(".parquet") }.map { String($0.dropLast(".parquet".count)) })
    }

    /// Hashes the files that changed behind the CLI's back: matching ones are current again, the
    /// others are fetched as damaged.
    func settleSuspects(_ plan: inout PullPlan, _ state: inout SyncState, manifest: SyncManifest) async throws {
        guard !plan.suspects.isEmpty else { return }
        let workspace = workspace
        let suspects = plan.suspects
        let digests = try await offloaded("agnes.hash") {
            suspects.map { ($0, FileDigest.md5(path: workspace.parquetFile($0).path)) }
        }
        for (table, digest) in digests {
            let entry = manifest.tables[table]!
            let path = workspace.parquetFile(table).path
            if let digest, digest == entry.hash.lowercased(), let stamp = FileStamp.of(path) {
                plan.current.append(table)
                state.tables[table] = SyncState.Entry(
                    hash: digest, rows: entry.rows, sizeBytes: stamp.size,
                    modifiedNanoseconds: stamp.modifiedNanoseconds)
            } else {
                plan.fetches.append(PullPlan.Fetch(table: table, reason: .damaged, entry: entry))
            }
        }
        plan.suspects = []
        plan.fetches.sort { $0.table < $1.table }
    }

    /// Deletes the files of tables no longer pulled, and partial downloads nothing will resume.
    func remove(_ tables: [String], keepingPartsOf fetching: Set<String>, state: inout SyncState) throws {
        let manager = FileManager.default
        for table in tables {
            let file = workspace.parquetFile(table)
            if manager.fileExists(atPath: file.path) {
                do { try manager.removeItem(at: file) } catch {
                    throw ClientError(.io, "could not remove \(file.path): \(error.localizedDescription)")
                }
            }
            state.tables[table] = nil
        }
        let names = (try? manager.contentsOfDirectory(atPath: workspace.parquetDirectory.path)) ?? []
        for name in names {
            guard let suffix = [".parquet.part", ".parquet.part.json"].first(where: { name.hasSuffix($0) }) else {
                continue
            }
            if !fetching.contains(String(name.dropLast(suffix.count))) {
                try? manager.removeItem(at: workspace.parquetDirectory.appendingPathComponent(name))
            }
        }
        for table in state.tables.keys where !manager.fileExists(atPath: workspace.parquetFile(table).path) {
            state.tables[table] = nil
        }
    }

    /// Runs the downloads; returns the tables whose file changed.
    func download(_ fetches: [PullPlan.Fetch], state: inout SyncState, report: inout PullReport) async -> Set<String> {
        guard !fetches.isEmpty else { return [] }
        do {
            try AtomicFile.createDirectory(workspace.parquetDirectory)
        } catch let error as ClientError {
            for fetch in fetches { report.errors.append(.init(stage: "download", table: fetch.table, error)) }
            return []
        } catch {
            return []
        }
        var downloader = ParquetDownloader(api: api, concurrency: options.concurrency, retries: options.retries)
        downloader.sleep = sleep
        downloader.segmentation.maximumRanges = options.rangesPerFile
        let items = fetches.map {
            DownloadItem(
                table: $0.table, expectedHash: $0.entry.hash, expectedSize: $0.entry.sizeBytes,
                destination: workspace.parquetFile($0.table))
        }
        onEvent(.started(tables: items.count, bytes: items.reduce(0) { $0 + ($1.expectedSize ?? 0) }))
        let onEvent = onEvent
        let results = await downloader.download(items, onBytes: { onEvent(.received($0)) }) { table, error in
            onEvent(.finished(table: table, error: error))
        }
        onEvent(.ended)
        var changed = Set<String>()
        for fetch in fetches {
            switch results[fetch.table] {
            case .success(let outcome)?:
                let stamp = FileStamp.of(workspace.parquetFile(fetch.table).path)
                state.tables[fetch.table] = SyncState.Entry(
                    hash: outcome.hash, rows: fetch.entry.rows, sizeBytes: outcome.size,
                    modifiedNanoseconds: stamp?.modifiedNanoseconds ?? 0)
                changed.insert(fetch.table)
                report.tablesUpdated += 1
                report.bytesDownloaded += outcome.transferred
                report.fetched.append(
                    .init(
                        table: fetch.table, reason: fetch.reason, sizeBytes: outcome.size,
                        transferred: outcome.transferred,
                        resumedFrom: outcome.resumedFrom > 0 ? outcome.resumedFrom : nil))
            case .failure(let error)?:
                report.errors.append(.init(stage: "download", table: fetch.table, error))
            case nil:
                report.errors.append(.init(stage: "download", table: fetch.table, ClientError(.io, "not attempted")))
            }
        }
        return changed
    }

    /// Brings the local database's views in line with the files, unless nothing changed since the
    /// last time they were.
    func refreshViews(plan: PullPlan, changed: Set<String>, state: inout SyncState, report: inout PullReport) async {
        let tables = Set(state.tables.keys)
        let fingerprint = Self.fingerprint(state)
        let exists = FileManager.default.fileExists(atPath: workspace.database.path)
        if changed.isEmpty, exists, state.viewsFingerprint == fingerprint, !options.verify { return }
        do {
            let result = try await LocalDatabase(workspace: workspace).syncViews(tables: tables, changed: changed)
            for (table, reason) in result.failed.sorted(by: { $0.key < $1.key }) {
                report.errors.append(
                    .init(
                        stage: "views", table: table,
                        ClientError(
                            .io, "\(table): no view over its file: \(reason)",
                            hint: "agnes pull --verify re-checks every file")))
            }
            for table in result.shadowed {
                report.warnings.append(
                    "\(table): you have a table of that name in the local database; it is kept, the pulled data is in server/parquet/\(table).parquet"
                )
            }
            state.viewsFingerprint = result.failed.isEmpty ? fingerprint : nil
        } catch {
            let failure = (error as? ClientError) ?? ClientError(.io, "\(error)")
            report.errors.append(.init(stage: "views", table: nil, failure))
            state.viewsFingerprint = nil
        }
    }

    /// Identifies the set of pulled files and their content.
    static func fingerprint(_ state: SyncState) -> String {
        var hasher = SHA256()
        for (table, entry) in state.tables.sorted(by: { $0.key < $1.key }) {
            hasher.update(
                data: Data("\(table)\t\(entry.hash)\t\(entry.sizeBytes)\t\(entry.modifiedNanoseconds)\n".utf8))
        }
        return FileDigest.hex(hasher.finalize())
    }
}

/// Options of `agnes pull`.
public struct PullOptions: Sendable {
    /// Plan only; write nothing.
    public var dryRun = false
    /// Hash every file, not only those whose size or time changed.
    public var verify = false
    /// Downloads at once (`AGNES_PULL_CONCURRENCY`, default 4).
    public var concurrency = 4
    /// Retries per download on network and server errors (`AGNES_STREAM_RETRIES`, default 3).
    public var retries = 3
    /// Byte ranges fetched at once for one large file (`AGNES_PULL_RANGES`, default 4; 1 = never split).
    public var rangesPerFile = 4
    /// Knowledge items asked for per page of `GET /api/memory` (the server allows at most 1000).
    public var memoryPageSize = 1000

    /// Defaults.
    public init() {}

    /// Defaults overridden by `AGNES_PULL_CONCURRENCY` and `AGNES_STREAM_RETRIES`.
    public init(environment: [String: String]) {
        if let value = environment["AGNES_PULL_CONCURRENCY"].flatMap(Int.init), (1...32).contains(value) {
            concurrency = value
        }
        if let value = environment["AGNES_STREAM_RETRIES"].flatMap(Int.init), (0...10).contains(value) {
            retries = value
        }
        if let value = environment["AGNES_PULL_RANGES"].flatMap(Int.init), (1...16).contains(value) {
            rangesPerFile = value
        }
    }
}
