import AgnesClient
import AgnesCore
import DuckDB
import Foundation

/// What `agnes snapshot` keeps for one snapshot in `user/snapshots/<name>.meta.json` (REFERENCE §2.7).
public struct SnapshotMeta: Codable, Sendable, Equatable {
    public var name: String
    public var tableID: String
    public var select: [String]?
    public var predicate: String?
    public var limit: Int?
    public var orderBy: [String]?
    /// When the rows were fetched (ISO 8601, UTC).
    public var fetchedAt: String
    /// The point in time the data reflects: the fetch time (the server reads its current data).
    public var effectiveAsOf: String
    public var rows: Int
    /// The parquet file's size.
    public var bytesLocal: Int64
    /// The server's scan estimate at fetch time, when one was asked for.
    public var estimatedScanBytesAtFetch: Int64?
    /// MD5 of the parquet file's first MiB (a cheap change check).
    public var resultHashMD5: String

    enum CodingKeys: String, CodingKey {
        case name, select, limit, rows
        case tableID = "table_id"
        case predicate = "where"
        case orderBy = "order_by"
        case fetchedAt = "fetched_at"
        case effectiveAsOf = "effective_as_of"
        case bytesLocal = "bytes_local"
        case estimatedScanBytesAtFetch = "estimated_scan_bytes_at_fetch"
        case resultHashMD5 = "result_hash_md5"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // Nulls written, not left out: readers of the original's files test for them.
        try container.encode(name, forKey: .name)
        try container.encode(tableID, forKey: .tableID)
        try container.encode(select, forKey: .select)
        try container.encode(predicate, forKey: .predicate)
        try container.encode(limit, forKey: .limit)
        try container.encode(orderBy, forKey: .orderBy)
        try container.encode(fetchedAt, forKey: .fetchedAt)
        try container.encode(effectiveAsOf, forKey: .effectiveAsOf)
        try container.encode(rows, forKey: .rows)
        try container.encode(bytesLocal, forKey: .bytesLocal)
        try container.encode(estimatedScanBytesAtFetch, forKey: .estimatedScanBytesAtFetch)
        try container.encode(resultHashMD5, forKey: .resultHashMD5)
    }
}

/// The request a snapshot is made from (the body of `POST /api/v2/scan` and its estimate).
public struct SnapshotRequest: Sendable, Encodable, Equatable {
    public var tableID: String
    public var select: [String]?
    public var predicate: String?
    public var limit: Int?
    public var orderBy: [String]?

    public init(tableID: String, select: [String]?, predicate: String?, limit: Int?, orderBy: [String]?) {
        self.tableID = tableID
        self.select = select
        self.predicate = predicate
        self.limit = limit
        self.orderBy = orderBy
    }

    enum CodingKeys: String, CodingKey {
        case select, limit
        case tableID = "table_id"
        case predicate = "where"
        case orderBy = "order_by"
    }
}

/// The server's `POST /api/v2/scan/estimate` answer.
public struct ScanEstimateAnswer: Sendable, Decodable {
    public var estimatedScanBytes: Int64?
    public var estimatedResultRows: Int64?
    public var estimatedResultBytes: Int64?
    public var costUSD: Double?

    enum CodingKeys: String, CodingKey {
        case estimatedScanBytes = "estimated_scan_bytes"
        case estimatedResultRows = "estimated_result_rows"
        case estimatedResultBytes = "estimated_result_bytes"
        case costUSD = "bq_cost_estimate_usd"
    }

    /// One line for the terminal.
    public var line: String {
        var parts = ["scan \(ByteCount.text(estimatedScanBytes ?? 0))"]
        if let rows = estimatedResultRows { parts.append("~\(rows) rows") }
        if let bytes = estimatedResultBytes { parts.append("~\(ByteCount.text(bytes)) result") }
        if let cost = costUSD { parts.append(String(format: "~$%.4f", cost)) }
        return "Estimate: " + parts.joined(separator: ", ")
    }
}

/// The workspace's snapshots: `user/snapshots/<name>.parquet` with `<name>.meta.json`, a view
/// `<name>` in the workspace database, and `.lock`, which every change holds (flock).
public struct SnapshotStore: Sendable {
    public let workspace: Workspace

    public init(workspace: Workspace) { self.workspace = workspace }

    public var directory: URL { workspace.snapshotsDirectory }
    public func parquet(_ name: String) -> URL { directory.appendingPathComponent("\(name).parquet") }
    public func meta(_ name: String) -> URL { directory.appendingPathComponent("\(name).meta.json") }

    /// `^[a-zA-Z_][a-zA-Z0-9_]{0,63}$`.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64 else { return false }
        func letter(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) || byte == 95 }
        return letter(first) && bytes.allSatisfy { letter($0) || (48...57).contains($0) }
    }

    /// Checks `name`, throwing a usage error that says what is allowed.
    public static func requireValidName(_ name: String) throws {
        guard isValidName(name) else {
            throw ClientError(
                .usage, "'\(name)' is not a valid snapshot name",
                hint: "use letters, digits and _ (not first), at most 64 characters: --as NAME")
        }
    }

    /// Every snapshot with a meta file, by name; a parquet without one (copied in by hand) is listed
    /// with what its file tells.
    public func list() throws -> [SnapshotMeta] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var found: [String: SnapshotMeta] = [:]
        for file in names where file.hasSuffix(".meta.json") {
            let name = String(file.dropLast(".meta.json".count))
            guard let data = FileManager.default.contents(atPath: meta(name).path),
                let meta = try? JSONDecoder().decode(SnapshotMeta.self, from: data)
            else { continue }
            found[name] = meta
        }
        for file in names where file.hasSuffix(".parquet") && !file.hasPrefix(".") {
            let name = String(file.dropLast(".parquet".count))
            guard found[name] == nil, let stamp = FileStamp.of(parquet(name).path) else { continue }
            found[name] = SnapshotMeta(
                name: name, tableID: "?", fetchedAt: Self.iso(stamp.modifiedDate),
                effectiveAsOf: Self.iso(stamp.modifiedDate),
                rows: -1, bytesLocal: stamp.size, resultHashMD5: "")
        }
        return found.values.sorted { $0.name < $1.name }
    }

    /// The snapshot `name`, or `not_found`.
    public func require(_ name: String) throws -> SnapshotMeta {
        try Self.requireValidName(name)
        guard let found = try list().first(where: { $0.name == name }) else {
            throw ClientError(.notFound, "no snapshot named \(name)", hint: "agnes snapshot list shows them")
        }
        return found
    }

    /// Runs `body` holding `user/snapshots/.lock` (created with the directory), so two agnes
    /// processes never write the same snapshot at once; waits for the other one.
    public func withLock<T>(_ body: () async throws -> T) async throws -> T {
        try AtomicFile.createDirectory(directory)
        let path = directory.appendingPathComponent(".lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ClientError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw ClientError(.io, "cannot lock \(path): \(String(cString: strerror(errno)))") }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }

    /// Writes a fetched Arrow stream into the snapshot's parquet (through a temporary file renamed
    /// over it) and its meta file; returns the meta. Blocking.
    public func install(
        stream: URL, request: SnapshotRequest, name: String, estimate: Int64?, fetchedAt: Date
    ) throws -> SnapshotMeta {
        let temporary = directory.appendingPathComponent(".\(name).\(getpid()).parquet")
        defer { unlink(temporary.path) }
        let rows: Int
        do {
            rows = try Database.copyArrowStream(at: stream, toParquet: temporary)
        } catch let error as DuckDBError {
            throw ClientError(
                .invalidResponse, "the server's rows for \(request.tableID) could not be read: \(error.message)",
                hint: "try again; if it persists, agnes diagnose and the server log tell more")
        }
        let size = FileStamp.of(temporary.path)?.size ?? 0
        let meta = SnapshotMeta(
            name: name, tableID: request.tableID, select: request.select, predicate: request.predicate,
            limit: request.limit, orderBy: request.orderBy, fetchedAt: Self.iso(fetchedAt),
            effectiveAsOf: Self.iso(fetchedAt), rows: rows, bytesLocal: size, estimatedScanBytesAtFetch: estimate,
            resultHashMD5: FileDigest.md5(path: temporary.path, firstBytes: 1 << 20) ?? "")
        try AtomicFile.replace(parquet(name), with: temporary)
        try AtomicFile.write(try OrderedJSONEncoder().encode(meta), to: self.meta(name))
        return meta
    }

    /// Removes what a killed `agnes snapshot` left behind (`.<name>.<pid>.arrows` / `.parquet`). Only
    /// under the lock: then no other process is writing one.
    public func removeStaleTemporaryFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(".") && (name.hasSuffix(".arrows") || name.hasSuffix(".parquet")) {
            unlink(directory.appendingPathComponent(name).path)
        }
    }

    /// Removes the snapshot's files (the view is the caller's).
    public func remove(_ name: String) {
        unlink(parquet(name).path)
        unlink(meta(name).path)
    }

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}

extension SnapshotStore {
    /// Snapshots `prune` would remove: older than `olderThan` seconds and/or larger than `largerThan`
    /// bytes (both, when both are given).
    public func pruneCandidates(olderThan: TimeInterval?, largerThan: Int64?, now: Date) throws -> [SnapshotMeta] {
        try list().filter { meta in
            let fetched = (try? Date(meta.fetchedAt, strategy: .iso8601)) ?? .distantPast
            let oldEnough = olderThan.map { now.timeIntervalSince(fetched) > $0 } ?? true
            let bigEnough = largerThan.map { meta.bytesLocal > $0 } ?? true
            return oldEnough && bigEnough
        }
    }

    /// `7d`, `24h`, `30m`, `90s` as seconds; nil when it is none of those.
    public static func duration(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let value = Double(text.dropLast()), value >= 0 else { return nil }
        switch unit.lowercased() {
        case "d": return value * 86_400
        case "h": return value * 3_600
        case "m": return value * 60
        case "s": return value
        default: return nil
        }
    }

    /// `1g`, `500m`, `64k`, `123` (bytes) as bytes; nil when it is none of those.
    public static func size(_ text: String) -> Int64? {
        let lower = text.lowercased().replacingOccurrences(of: "b", with: "")
        let factors: [Character: Double] = ["k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024, "t": 1_099_511_627_776]
        if let unit = lower.last, let factor = factors[unit], let value = Double(lower.dropLast()), value >= 0 {
            let bytes = value * factor
            return bytes < 9.2e18 ? Int64(bytes) : nil
        }
        return Int64(lower).flatMap { $0 >= 0 ? $0 : nil }
    }
}

extension FileStamp {
    /// The modification time as a date.
    var modifiedDate: Date { Date(timeIntervalSince1970: Double(modifiedNanoseconds) / 1e9) }
}
