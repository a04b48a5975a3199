import AgnesCore
import DuckDB
import Foundation
import Logging

/// What `agnes doctor` reports about a server install: the DuckDB library, the configuration and the
/// system store (opened, and so migrated, on the way).
public struct InstallationReport: Sendable, Encodable {
    /// `ok` when everything checked out.
    public let status: String
    /// The linked DuckDB version.
    public let duckdbVersion: String
    /// The data directory in use.
    public let dataDirectory: String
    /// The system store file.
    public let storePath: String
    /// Schema status: ok / mismatch / unreachable.
    public let schema: String
    /// The schema version found when opening, before migrating.
    public let schemaVersionBefore: Int
    /// The schema version now.
    public let schemaVersion: Int?
    /// The version this binary writes.
    public let expectedSchemaVersion: Int
    /// Registered users.
    public let users: Int
    /// System groups present.
    public let systemGroups: [String]

    /// Opens (migrating) the store named by `settings` and reports on it.
    public static func check(settings: AgnesSettings, logger: Logger) async throws -> InstallationReport {
        let store = try await SystemStore.open(dataDirectory: settings.dataDir, logger: logger)
        let health = await store.health()
        let users = try await DuckDBUserRepository(store: store).count()
        let groups = try await DuckDBGroupRepository(store: store).list().filter(\.isSystem).map(\.name)
        return InstallationReport(
            status: health.status == "ok" ? "ok" : "unhealthy", duckdbVersion: Database.libraryVersion,
            dataDirectory: settings.dataDir, storePath: store.path ?? ":memory:", schema: health.status,
            schemaVersionBefore: store.openedAtVersion, schemaVersion: health.current,
            expectedSchemaVersion: health.expected, users: users, systemGroups: groups)
    }
}
