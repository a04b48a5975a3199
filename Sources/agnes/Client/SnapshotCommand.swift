import AgnesCLI
import AgnesClient
import AgnesCore
import ArgumentParser
import DuckDB
import Foundation

/// `agnes snapshot` (REFERENCE §2.7): a filtered slice of a server table, fetched through
/// `POST /api/v2/scan` (Arrow) into `user/snapshots/<name>.parquet` and a view in the workspace database.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Fetch a filtered slice of a server table into the workspace (list, create, refresh, drop, prune).",
        discussion: """
            Examples:
              agnes snapshot create events --select id,kind,at --where "at >= DATE '2024-01-01'" --limit 100000
              agnes snapshot create orders --where "status = 'open'" --as open_orders
              agnes snapshot refresh open_orders
              agnes snapshot prune --older-than 7d --dry-run

            Exit codes: 2 bad input (a WHERE the server refused), 3 quota or rate limit, 5 server error, \
            6 already exists (--force replaces), 7 not signed in or unreachable, 8 no access or no such table.
            """,
        subcommands: [List.self, Create.self, Refresh.self, Drop.self, Prune.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "The workspace's snapshots.",
            discussion: "Examples:\n  agnes snapshot list\n  agnes snapshot list --json")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try ClientContext()
            let snapshots = try SnapshotStore(workspace: context.workspace).list()
            if json { return try Output.json(snapshots) }
            let objects = snapshots.map { meta -> JSONValue in
                .object([
                    "name": .string(meta.name), "table": .string(meta.tableID),
                    "rows": meta.rows >= 0 ? .int(Int64(meta.rows)) : .null,
                    "size": .string(ByteCount.text(meta.bytesLocal)), "fetched_at": .string(meta.fetchedAt),
                    "where": meta.predicate.map(JSONValue.string) ?? .null,
                ])
            }
            try Output.objects(
                objects, keys: ["name", "table", "rows", "size", "fetched_at", "where"], json: false,
                environment: context.environment)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Fetch rows of a server table into a local snapshot and view.",
            discussion: """
                The WHERE predicate is checked by the server (columns of the table, allowed functions only). \
                The estimate is printed first unless --no-estimate; --estimate prints it and stops.

                Examples:
                  agnes snapshot create orders --where "amount > 100" --order-by "amount DESC" --limit 1000 --as big_orders
                  agnes snapshot create events --select id,at --estimate
                """)
        @Argument(help: "The table id (agnes catalog lists them).") var table: String
        @Option(help: "Columns, comma-separated (default: all).") var select: String?
        @Option(name: .customLong("where"), help: "A SQL predicate over the table's columns.") var predicate: String?
        @Option(help: "At most this many rows.") var limit: Int?
        @Option(name: .customLong("order-by"), help: "\"column [ASC|DESC]\"; repeat or comma-separate for several.")
        var orderBy: [String] = []
        @Option(name: .customLong("as"), help: "The snapshot's name (default: the table id).") var name: String?
        @Flag(help: "Print the server's estimate and stop.") var estimate = false
        @Flag(name: .customLong("no-estimate"), help: "Skip the estimate.") var noEstimate = false
        @Flag(help: "Replace a snapshot of the same name.") var force = false

        func validate() throws {
            if estimate && noEstimate { throw ValidationError("--estimate and --no-estimate exclude each other") }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let context = try ClientContext()
            let columns = select?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            let order = orderBy.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            let request = SnapshotRequest(
                tableID: table, select: columns?.isEmpty == false ? columns : nil, predicate: predicate, limit: limit,
                orderBy: order.isEmpty ? nil : order)
            try await SnapshotMaker(context: context).make(
                request, name: name ?? table, estimateOnly: estimate, skipEstimate: noEstimate, replace: force)
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refresh", abstract: "Fetch a snapshot again with its recorded columns, filter and limit.",
            discussion: "Examples:\n  agnes snapshot refresh open_orders\n  agnes snapshot refresh open_orders --where \"status = 'late'\"")
        @Argument(help: "The snapshot.") var name: String
        @Option(name: .customLong("where"), help: "A new predicate (replaces the recorded one).") var predicate: String?

        func run() async throws {
            let context = try ClientContext()
            let meta = try SnapshotStore(workspace: context.workspace).require(name)
            guard meta.tableID != "?" else {
                throw ClientError(
                    .badRequest, "snapshot \(name) has no meta file, so its table is not known",
                    hint: "agnes snapshot create <table> --as \(name) --force")
            }
            let request = SnapshotRequest(
                tableID: meta.tableID, select: meta.select, predicate: predicate ?? meta.predicate, limit: meta.limit,
                orderBy: meta.orderBy)
            try await SnapshotMaker(context: context).make(
                request, name: name, estimateOnly: false, skipEstimate: false, replace: true)
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drop", abstract: "Delete a snapshot's file and view.",
            discussion: "Example:\n  agnes snapshot drop open_orders")
        @Argument(help: "The snapshot.") var name: String

        func run() async throws {
            let context = try ClientContext()
            let store = SnapshotStore(workspace: context.workspace)
            try await store.withLock {
                _ = try store.require(name)
                try await LocalDatabase(workspace: context.workspace).dropSnapshotView(name)
                store.remove(name)
            }
            Output.lines(["Dropped snapshot \(name)."])
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune", abstract: "Delete snapshots older and/or larger than a limit.",
            discussion: "Examples:\n  agnes snapshot prune --older-than 7d\n  agnes snapshot prune --larger-than 1g --dry-run")
        @Option(name: .customLong("older-than"), help: "Age: 30m, 24h, 7d.") var olderThan: String?
        @Option(name: .customLong("larger-than"), help: "Size: 500m, 1g.") var largerThan: String?
        @Flag(name: .customLong("dry-run"), help: "Only list what would be deleted.") var dryRun = false

        func validate() throws {
            guard olderThan != nil || largerThan != nil else {
                throw ValidationError("say what to prune: --older-than 7d and/or --larger-than 1g")
            }
            if let olderThan, SnapshotStore.duration(olderThan) == nil {
                throw ValidationError("--older-than takes an age such as 30m, 24h or 7d, not '\(olderThan)'")
            }
            if let largerThan, SnapshotStore.size(largerThan) == nil {
                throw ValidationError("--larger-than takes a size such as 500m or 1g, not '\(largerThan)'")
            }
        }

        func run() async throws {
            let context = try ClientContext()
            let store = SnapshotStore(workspace: context.workspace)
            let database = LocalDatabase(workspace: context.workspace)
            let pruned = try await store.withLock {
                let candidates = try store.pruneCandidates(
                    olderThan: olderThan.flatMap(SnapshotStore.duration), largerThan: largerThan.flatMap(SnapshotStore.size),
                    now: Date())
                if !dryRun {
                    for meta in candidates {
                        try await database.dropSnapshotView(meta.name)
                        store.remove(meta.name)
                    }
                }
                return candidates
            }
            let verb = dryRun ? "Would delete" : "Deleted"
            let total = pruned.reduce(Int64(0)) { $0 + $1.bytesLocal }
            Output.lines(
                pruned.map { "  \($0.name) (\(ByteCount.text($0.bytesLocal)), fetched \($0.fetchedAt))" }
                    + ["\(verb) \(pruned.count) snapshot\(pruned.count == 1 ? "" : "s") (\(ByteCount.text(total)))."])
        }
    }
}

/// Creating (and refreshing) one snapshot: estimate, fetch, parquet, view, meta, all under the lock.
struct SnapshotMaker {
    let context: ClientContext

    func make(_ request: SnapshotRequest, name: String, estimateOnly: Bool, skipEstimate: Bool, replace: Bool)
        async throws
    {
        try SnapshotStore.requireValidName(name)
        let store = SnapshotStore(workspace: context.workspace)
        let database = LocalDatabase(workspace: context.workspace)
        var hadView = false
        if !estimateOnly {
            let kind = try await database.relationKind(name)
            hadView = kind == .snapshot
            switch kind {
            case nil:
                throw ClientError(
                    .notConfigured, "no local database at \(context.workspace.database.path)",
                    hint: "Run: agnes pull (in \(context.workspace.root.path))")
            case .pulled?, .otherView?, .table?, .knowledge?:
                throw ClientError(
                    .conflict, "\(name) already names a table or view in the workspace database",
                    hint: "choose another name: --as NAME")
            case .none?, .snapshot?: break
            }
        }
        var estimate: ScanEstimateAnswer?
        if !skipEstimate {
            let answer: ScanEstimateAnswer = try await context.withAPI { api in try await api.scanEstimate(request) }
            estimate = answer
            Output.lines([answer.line])
            if estimateOnly { return }
        }
        let estimatedScanBytes = estimate?.estimatedScanBytes
        let meta = try await store.withLock { () async throws -> SnapshotMeta in
            if !replace, FileManager.default.fileExists(atPath: store.parquet(name).path) {
                throw ClientError(
                    .conflict, "snapshot \(name) already exists",
                    hint: "--force replaces it; agnes snapshot refresh \(name) fetches it again")
            }
            store.removeStaleTemporaryFiles()
            let stream = store.directory.appendingPathComponent(".\(name).\(getpid()).arrows")
            defer { unlink(stream.path) }
            let fetchedAt = Date()
            let fetched = try await context.withAPI { api in try await api.scan(request, to: stream) }
            if fetched.isTruncated {
                Output.warn("the server trimmed the result to its size limit: narrow --where or --select, or add --limit")
            }
            let meta = try await offloaded("agnes.snapshot") {
                try store.install(
                    stream: stream, request: request, name: name, estimate: estimatedScanBytes,
                    fetchedAt: fetchedAt)
            }
            do {
                try await database.createSnapshotView(name, file: store.parquet(name))
            } catch where hadView {
                // The existing view reads the same file, so it already shows the new rows.
                Output.warn("the view \(name) could not be re-created (\(error)); it still reads the snapshot")
            } catch {
                store.remove(name)
                throw ClientError(.io, "the view \(name) could not be created: \(error)")
            }
            return meta
        }
        Output.lines([
            "Snapshot \(name): \(meta.rows) rows, \(ByteCount.text(meta.bytesLocal)) from \(request.tableID); "
                + "query it as \(name) (agnes query \"SELECT * FROM \(name) LIMIT 10\")."
        ])
        let quota = DiskInfo.measure(workspace: context.workspace, environment: context.environment)
        if Double(quota.usedBytes) > quota.quotaGB * 1_073_741_824 {
            Output.warn(
                "snapshots use \(ByteCount.text(quota.usedBytes)), over the \(quota.quotaGB) GB quota "
                    + "(AGNES_SNAPSHOT_QUOTA_GB): agnes snapshot prune frees space")
        }
    }
}
