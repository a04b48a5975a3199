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
