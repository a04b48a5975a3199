import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesFakes
import DuckDB
import Foundation
import Logging

/// `keboola-slices <dir> <rows>` writes a Keboola-style export (header-less, every value quoted,
/// gzipped CSV in 8 slices) plus delta exports of 1,000, 10,000 and 100,000 changed rows;
/// `keboola <dir> <rows>` then measures, against the fake stack on 127.0.0.1:
/// - the connector's export-to-parquet (download of the slices over HTTP + typed conversion + publish)
///   next to the floor of DuckDB alone converting the same local slices to parquet, and its peak RSS;
/// - incremental runs keeping the deltas beside the table, next to DuckDB alone converting each delta
///   (the floor of a run that touches only what changed) and rewriting the table with it;
/// - a compaction run folding the delta into a new base.
enum KeboolaBench {
    static let columns = ["id", "customer", "amount", "ordered_on", "updated_at", "active", "ratio", "note"]
    static let metadata: [String: [String: String]] = [
        "id": ["KBC.datatype.basetype": "INTEGER"],
        "amount": ["KBC.datatype.basetype": "NUMERIC", "KBC.datatype.length": "12,2"],
        "ordered_on": ["KBC.datatype.basetype": "DATE"], "updated_at": ["KBC.datatype.basetype": "TIMESTAMP"],
        "active": ["KBC.datatype.basetype": "BOOLEAN"], "ratio": ["KBC.datatype.basetype": "FLOAT"],
    ]
    static let deltas = [1_000, 10_000, 100_000]

    static func rowsSQL(_ range: String, marker: String) -> String {
        """
        SELECT i AS id, 'customer_' || (i % 100000) AS customer, ((i % 100000) / 100.0)::DECIMAL(12,2) AS amount,
               DATE '2020-01-01' + (i % 2000)::INTEGER AS ordered_on,
               TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i % 10000000) AS updated_at, i % 3 = 0 AS active,
               (i % 997) / 7.0 AS ratio, '\(marker) note, "quoted" ' || (i % 1000) AS note
        FROM \(range)
        """
    }

    static func writeSlices(_ arguments: [String]) throws {
        guard arguments.count == 2, let rows = Int(arguments[1]) else {
            throw BenchUsage("keboola-slices <dir> <rows>")
        }
        let directory = URL(fileURLWithPath: arguments[0])
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let connection = try Database(options: ["threads": "2"]).connect()
        let slices = 8
        for slice in 0..<slices {
            let start = rows / slices * slice
            let end = slice == slices - 1 ? rows : rows / slices * (slice + 1)
            let file = directory.appendingPathComponent("full-\(slice).csv.gz").path
            try connection.execute(
                "COPY (\(rowsSQL("range(\(start), \(end)) t(i)", marker: "base"))) TO '\(file)' (FORMAT csv, HEADER false, FORCE_QUOTE *, COMPRESSION gzip)"
            )
        }
        for count in deltas {
            let step = max(1, rows / count)
            let file = directory.appendingPathComponent("delta-\(count).csv.gz").path
            try connection.execute(
                "COPY (\(rowsSQL("(SELECT i * \(step) AS i FROM range(\(count)) r(i)) t", marker: "changed"))) TO '\(file)' (FORMAT csv, HEADER false, FORCE_QUOTE *, COMPRESSION gzip)"
            )
        }
        print(
            "wrote \(slices) slices of \(rows) rows and deltas of \(deltas.map(String.init).joined(separator: ", ")) rows"
        )
    }

    static func run(_ arguments: [String]) async throws {
        guard arguments.count == 2, let rows = Int(arguments[1]) else { throw BenchUsage("keboola <dir> <rows>") }
        let directory = URL(fileURLWithPath: arguments[0])
        let slices = (0..<8).map { directory.appendingPathComponent("full-\($0).csv.gz") }
        let dataDirectory = directory.appendingPathComponent("data")
        try? FileManager.default.removeItem(at: dataDirectory)
        let keboola = await FakeKeboola.start()
        defer { Task { await keboola.stop() } }
        keboola.putFileBackedTable(
            id: "in.c-bench.orders", columns: columns, primaryKey: ["id"], columnMetadata: metadata, sliceFiles: slices,
            rowsCount: rows)
        var logger = Logger(label: "bench.keboola")
        logger.logLevel = .warning
        let configuration = KeboolaConfiguration(
            stackURL: keboola.stackURL, token: keboola.token, s3Endpoint: keboola.s3Endpoint,
            pollInterval: .milliseconds(20), maxPollInterval: .milliseconds(20), incrementalOverlap: .zero)
        let connector = KeboolaConnector(layout: DataLayout(root: dataDirectory), logger: logger) { configuration }
        let registration = TableRegistration(
            id: "orders", name: "orders", sourceType: "keboola", bucket: "in.c-bench", sourceTable: "orders",
            syncStrategy: .incremental, primaryKey: ["id"])

        // 1. The connector's full export.
        let started = DispatchTime.now().uptimeNanoseconds
        let result = try await connector.sync(ConnectorSyncRequest(due: [registration], registered: [registration]))
        let seconds = milliseconds(since: started) / 1000
        let peak = peakResidentMegabytes()
        guard let outcome = result.outcomes.first, outcome.kind == .synced else {
            throw BenchUsage("the export failed: \(result.outcomes.first?.reason ?? "no outcome")")
        }
        let compressed = slices.reduce(0) {
            $0 + ((try? FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int) ?? 0)
        }

        // 2. The floor: DuckDB alone converting the same slices (already on disk) to parquet.
        let floorTarget = directory.appendingPathComponent("floor.parquet")
        let connection = try Database(options: [
            "threads": "2", "memory_limit": "256MB", "preserve_insertion_order": "false",
        ])
        .connect()
        let types = [
            "id": "BIGINT", "customer": "VARCHAR", "amount": "DECIMAL(12,2)", "ordered_on": "DATE",
            "updated_at": "TIMESTAMP",
            "active": "BOOLEAN", "ratio": "DOUBLE", "note": "VARCHAR",
        ]
        let fields = columns.map { "'\($0)': '\(types[$0]!)'" }.joined(separator: ", ")
        let files = "[" + slices.map { "'\($0.path)'" }.joined(separator: ", ") + "]"
        let floorStart = DispatchTime.now().uptimeNanoseconds
        try connection.execute(
            "COPY (SELECT * FROM read_csv(\(files), header = false, auto_detect = false, columns = {\(fields)})) TO '\(floorTarget.path)' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 245760)"
        )
        let floorSeconds = milliseconds(since: floorStart) / 1000
        print(
            String(
                format:
                    "keboola export %d rows (%.0f MB gzip, 8 slices over HTTP, S3 SigV4): %6.2f s  %9.0f rows/s   peak RSS %4.0f MB (target < 300 MB)",
                rows, Double(compressed) / 1e6, seconds, Double(rows) / seconds, peak))
        print(
            String(
                format:
                    "floor: DuckDB alone, same slices on disk -> parquet:          %6.2f s  %9.0f rows/s   connector at %3.0f%% of the floor (target >= 70%%)",
                floorSeconds, Double(rows) / floorSeconds, floorSeconds / seconds * 100))

        // 3. Incremental runs: each delta export kept as the table's delta (merged into the delta the
        // previous run left), next to DuckDB alone converting the same delta slice (the floor of a run
        // that reads and writes only what changed) and merging it into the whole table (what a rewrite
        // of the table costs).
        for count in deltas {
            let deltaSlice = directory.appendingPathComponent("delta-\(count).csv.gz")
            keboola.putFileBackedTable(
                id: "in.c-bench.orders", columns: columns, primaryKey: ["id"], columnMetadata: metadata,
                sliceFiles: [deltaSlice], rowsCount: rows)
            let mergeStart = DispatchTime.now().uptimeNanoseconds
            let merged = try await connector.sync(ConnectorSyncRequest(due: [registration], registered: [registration]))
            let mergeSeconds = milliseconds(since: mergeStart) / 1000
            guard let note = merged.outcomes.first, note.kind == .synced, note.rows == rows else {
                throw BenchUsage("the incremental run failed: \(merged.outcomes.first?.reason ?? "no outcome")")
            }
            let current = try currentFile(dataDirectory)
            let delta = directory.appendingPathComponent("delta-\(count).parquet")
            let floorConvert = DispatchTime.now().uptimeNanoseconds
            try connection.execute(
                "COPY (SELECT * FROM read_csv('\(deltaSlice.path)', header = false, auto_detect = false, columns = {\(fields)})) TO '\(delta.path)' (FORMAT parquet, COMPRESSION zstd)"
            )
            let floorConvertSeconds = milliseconds(since: floorConvert) / 1000
            let floorMerge = DispatchTime.now().uptimeNanoseconds
            try connection.execute(
                "COPY (SELECT p.* FROM read_parquet('\(current)') p ANTI JOIN read_parquet('\(delta.path)') d USING (id) UNION ALL BY NAME SELECT * FROM read_parquet('\(delta.path)')) TO '\(directory.appendingPathComponent("floor-merge.parquet").path)' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 245760)"
            )
            let floorMergeSeconds = milliseconds(since: floorMerge) / 1000
            print(
                String(
                    format:
                        "keboola incremental run, %6d changed rows into %d: %6.2f s (target < 3 s for 10,000)   floor: DuckDB alone converting the delta %5.2f s; rewriting the table with it %5.2f s",
                    count, rows, mergeSeconds, floorConvertSeconds, floorMergeSeconds) + "   (\(note.reason ?? ""))")
        }

        // 4. What the delta costs its readers: a query over base and delta next to the base alone, and
        // the one file a download needs, written from both (once per change someone downloads).
        let layered = try servedTable(dataDirectory)
        guard let select = layered.select() else { throw BenchUsage("the table has no local data") }
        let reader = try Database(options: ["threads": "2"]).connect()
        func timed(_ sql: String) throws -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try reader.query(sql)
            return milliseconds(since: start)
        }
        let overBase = try timed(
            "SELECT count(*), sum(amount), count(DISTINCT customer) FROM read_parquet('\(layered.file!.path)')")
        let overBoth = try timed("SELECT count(*), sum(amount), count(DISTINCT customer) FROM (\(select))")
        let downloads = DownloadFiles(root: directory.appendingPathComponent("downloads"))
        let writeStart = DispatchTime.now().uptimeNanoseconds
        let download = try await downloads.file(for: layered)
        let writeSeconds = milliseconds(since: writeStart) / 1000
        print(
            String(
                format:
                    "keboola table with a delta of %d rows: a query over base and delta %6.0f ms (the base alone %6.0f ms); its download file written once %5.2f s (%.0f MB)",
                (try reader.query("SELECT count(*) FROM read_parquet('\(layered.delta!.file.path)')").rows[0][0].int64
                    ?? 0),
                overBoth, overBase, writeSeconds, Double(download?.sizeBytes ?? 0) / 1e6))

        // 5. A compaction: the last delta exported again with a share of 0, which folds the delta into a
        // new base.
        keboola.putFileBackedTable(
            id: "in.c-bench.orders", columns: columns, primaryKey: ["id"], columnMetadata: metadata,
            sliceFiles: [directory.appendingPathComponent("delta-\(deltas.last!).csv.gz")], rowsCount: rows)
        let compacting = {
            var folding = configuration
            folding.compactionShare = 0
            return folding
        }()
        let folding = KeboolaConnector(layout: DataLayout(root: dataDirectory), logger: logger) { compacting }
        let compactStart = DispatchTime.now().uptimeNanoseconds
        let compacted = try await folding.sync(ConnectorSyncRequest(due: [registration], registered: [registration]))
        let compactSeconds = milliseconds(since: compactStart) / 1000
        guard let note = compacted.outcomes.first, note.kind == .synced, note.rows == rows else {
            throw BenchUsage("the compacting run failed: \(compacted.outcomes.first?.reason ?? "no outcome")")
        }
        print(
            String(
                format:
                    "keboola compaction run (delta folded into a new %d-row base, once the delta outgrows compaction_share): %6.2f s",
                rows, compactSeconds) + "   (\(note.reason ?? ""))")
    }

    /// The table as a generation would serve it: its file and delta, as the extract records them.
    static func servedTable(_ dataDirectory: URL) throws -> ServedTable {
        let connection = try Database(
            path: dataDirectory.appendingPathComponent("extracts/keboola/extract.duckdb").path,
            options: ["access_mode": "READ_ONLY"]
        ).connect()
        guard
            let row = try connection.query(
                "SELECT version_file, md5, size_bytes, delta_version_file, delta_md5, delta_size, merge_key FROM _content_hashes"
            ).rows.first, let file = row[0].string, let key = LayeredRelation.decode(key: row[6].string),
            let delta = row[3].string
        else { throw BenchUsage("the table has no delta") }
        return ServedTable(
            id: "orders", source: "keboola", queryMode: "local", file: URL(fileURLWithPath: file), md5: row[1].string,
            sizeBytes: row[2].int64, rows: nil,
            delta: ServedDelta(
                file: URL(fileURLWithPath: delta), md5: row[4].string ?? "", sizeBytes: row[5].int64 ?? 0, key: key))
    }

    /// The parquet file the extract's view reads now.
    static func currentFile(_ dataDirectory: URL) throws -> String {
        let connection = try Database(
            path: dataDirectory.appendingPathComponent("extracts/keboola/extract.duckdb").path,
            options: ["access_mode": "READ_ONLY"]
        ).connect()
        guard
            let path = try connection.query("SELECT coalesce(version_file, file) FROM _content_hashes").rows.first?[0]
                .string
        else {
            throw BenchUsage("no published file")
        }
        return path
    }

    /// The process's peak resident set size so far (`VmHWM`), in MB.
    static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kilobytes / 1024
    }
}
