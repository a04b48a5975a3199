import AgnesStore
import Foundation
import Logging

/// A fresh temporary DATA_DIR, removed when the value is released.
final class TemporaryDataDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var statePath: String { path + "/state" }
    var storePath: String { statePath + "/system.duckdb" }

    func open() async throws -> SystemStore {
        try await SystemStore.open(dataDirectory: path, logger: Logger(label: "test"))
    }
}
