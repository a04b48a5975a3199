import DuckDB
import Foundation

/// Real parquet bytes made by DuckDB, for fake servers.
enum Parquet {
    /// A parquet file with `rows` rows of `(id BIGINT, label VARCHAR)`; `variant` changes the content.
    static func make(rows: Int, variant: Int = 0) throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString).parquet")
        defer { try? FileManager.default.removeItem(at: file) }
        let connection = try Database().connect()
        try connection.execute(
            "COPY (SELECT range AS id, 'v\(variant)-' || range AS label FROM range(\(rows))) TO '\(file.path)' (FORMAT parquet)"
        )
        return try Data(contentsOf: file)
    }
}

/// A temporary directory removed when the value is dropped by its owner calling `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }
}
