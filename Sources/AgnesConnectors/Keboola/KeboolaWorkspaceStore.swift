import AgnesData
import Foundation

/// The one read-only Snowflake workspace materialized queries run in, reused across runs: its id is
/// kept in `DATA_DIR/state/keboola-workspace.json` with the stack it belongs to. A new one is created
/// when none is stored, the stack changed, or Keboola answers that the stored one is gone (404).
final class KeboolaWorkspaceStore: Sendable {
    private struct Stored: Codable {
        var stackURL: String
        var workspaceID: Int64
    }

    private let file: URL
    /// Creations one at a time, so that concurrent materializations share one new workspace.
    private let lane = SerialLane()

    init(file: URL) {
        self.file = file
    }

    /// The stored workspace of the client's stack, or a new one.
    func current(_ client: KeboolaStorageClient) async throws -> Int64 {
        try await lane.run {
            if let stored = read(), stored.stackURL == client.configuration.stackURL { return stored.workspaceID }
            return try await create(client)
        }
    }

    /// A new workspace in place of `stale`, which Keboola no longer has (another caller may have
    /// replaced it already: then that one is used).
    func replace(_ stale: Int64, _ client: KeboolaStorageClient) async throws -> Int64 {
        try await lane.run {
            if let stored = read(), stored.stackURL == client.configuration.stackURL, stored.workspaceID != stale {
                return stored.workspaceID
            }
            return try await create(client)
        }
    }

    private func create(_ client: KeboolaStorageClient) async throws -> Int64 {
        let workspace = try await client.createReadOnlyWorkspace()
        let data = try JSONEncoder().encode(Stored(stackURL: client.configuration.stackURL, workspaceID: workspace.id))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file, options: .atomic)
        return workspace.id
    }

    private func read() -> Stored? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        return try? JSONDecoder().decode(Stored.self, from: data)
    }
}
