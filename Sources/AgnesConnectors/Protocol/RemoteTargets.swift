import AgnesData
import DuckDB
import Foundation
import Synchronization

/// Where each remote table of a connector is at its source, as the connector's last sync recorded it
/// in its extract (`_remote_tables.source_signature`, a JSON `Target`): read from the extract file
/// once per version of it, and updated by the sync as it goes.
final class RemoteTargets<Target: Codable & Sendable>: Sendable {
    private struct State {
        var stamp = ""
        var targets: [String: Target] = [:]
    }

    private let extract: URL
    private let state = Mutex(State())

    init(extract: URL) {
        self.extract = extract
    }

    /// Records where a table is (its sync found it there).
    func set(_ target: Target, for id: String) {
        state.withLock { $0.targets[id] = target }
    }

    /// Where table `id` is; nil when the extract does not list it as remote.
    func target(_ id: String) async throws -> Target? {
        let stamp = SourceSignature.stamp(extract)
        if let target = state.withLock({ $0.stamp == stamp ? $0.targets[id] : nil }) { return target }
        let file = extract
        let tables = try await offloaded("agnes.remote-targets") { PreviousExtract.read(file) }
        var targets: [String: Target] = [:]
        for (name, table) in tables where table.queryMode == "remote" {
            if let data = table.sourceSignature?.data(using: .utf8),
                let target = try? JSONDecoder().decode(Target.self, from: data)
            {
                targets[name] = target
            }
        }
        state.withLock { $0 = State(stamp: stamp, targets: targets) }
        return targets[id]
    }

    /// A target as its signature: sorted-key JSON.
    static func signature(_ target: Target) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(target), as: UTF8.self)
    }
}
