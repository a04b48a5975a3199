import AgnesCore
import DuckDB
import Foundation

@testable import AgnesData

/// Parquet files written by DuckDB into a temporary directory, and profiles of them.
final class ProfilerFiles: Sendable {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-profiler-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The profile of what `sql` returns, made off the cooperative pool (DuckDB work blocks).
    func profile(
        _ sql: String, primaryKey: [String] = [], settings: ProfilerSettings = ProfilerSettings()
    ) async throws -> ProfileDocument {
        let directory = self.directory
        return try await offloaded {
            let file = directory.appendingPathComponent("\(UUID().uuidString).parquet")
            try Database().connect().execute("COPY (\(sql)) TO \(SQLText.literal(file.path)) (FORMAT parquet)")
            let profiler = TableProfiler(
                settings: settings,
                limits: ProfilerLimits(threads: 2, memoryLimit: "512MB", temporaryDirectory: directory))
            return try profiler.profile(ProfileSubject(tableID: "t", file: file, primaryKey: primaryKey))
        }
    }

    /// The profile of a table kept as what `base` returns and a delta of what `delta` returns, merged on `key`.
    func profile(base: String, delta: String, key: [String], settings: ProfilerSettings) async throws -> ProfileDocument
    {
        let directory = self.directory
        return try await offloaded {
            let connection = try Database().connect()
            let (baseFile, deltaFile) = (
                directory.appendingPathComponent("base.parquet"), directory.appendingPathComponent("delta.parquet")
            )
            try connection.execute("COPY (\(base)) TO \(SQLText.literal(baseFile.path)) (FORMAT parquet)")
            try connection.execute("COPY (\(delta)) TO \(SQLText.literal(deltaFile.path)) (FORMAT parquet)")
            let profiler = TableProfiler(
                settings: settings,
                limits: ProfilerLimits(threads: 2, memoryLimit: "512MB", temporaryDirectory: directory))
            let layer = ServedDelta(file: deltaFile, md5: "", sizeBytes: 0, key: key)
            return try profiler.profile(ProfileSubject(tableID: "t", file: baseFile, primaryKey: key, delta: layer))
        }
    }
}

extension ProfileDocument {
    /// The column with this name.
    func column(_ name: String) -> ColumnProfile? { columns.first { $0.name == name } }

    /// The document as JSON, decoded into Foundation values.
    func json() throws -> [String: Any] {
        let data = try JSONEncoder().encode(self)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

extension ColumnProfile {
    var numeric: NumericStatistics? {
        if case .numeric(let stats) = statistics { return stats }
        return nil
    }
    var string: StringStatistics? {
        if case .string(let stats) = statistics { return stats }
        return nil
    }
    var date: DateStatistics? {
        if case .date(let stats) = statistics { return stats }
        return nil
    }
    var boolean: BooleanStatistics? {
        if case .boolean(let stats) = statistics { return stats }
        return nil
    }
}
