import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Logging
import Synchronization

extension KeboolaConnector {
    public var remoteReader: (any RemoteTableReader)? { KeboolaRemoteReader(connector: self) }

    /// Syncs a `query_mode='remote'` registration: no rows, only where the table is and its columns
    /// with their types (a schema-only entry of the extract), and Keboola's documentation of it.
    func describeRemote(
        _ registration: TableRegistration, name: Identifier, listed: KeboolaTable, client: KeboolaStorageClient,
        previous: ExtractTable?
    ) async throws -> TableResult {
        let remote = try await client.table(id: listed.id)
        let columns = remote.columns.map {
            RemoteColumn(name: $0, type: KeboolaColumnType.of(column: $0, in: remote).sqlType)
        }
        guard !columns.isEmpty else {
            throw KeboolaError(.invalidResponse, "\(remote.id): Keboola lists no columns for it")
        }
        let target = KeboolaRemoteTarget(
            tableID: remote.id, bucketID: remote.bucketID, name: remote.name, isTyped: remote.isTyped,
            columns: columns.map { "\($0.name) \($0.type)" })
        let signature = try RemoteTargets.signature(target)
        let isUnchanged = previous?.sourceSignature == signature
        let table = ExtractTable(
            name: name,
            description: registration.description ?? remote.tableMetadata("KBC.description")
                ?? "Queried in place in Keboola: \(remote.id)",
            rows: remote.rowsCount, sizeBytes: remote.dataSizeBytes,
            extractedAt: isUnchanged ? previous?.extractedAt : Date(), queryMode: "remote",
            sourceSignature: signature, remoteColumns: columns)
        remoteTargets.set(target, for: registration.id)
        return TableResult(
            table: table, isUnchanged: isUnchanged,
            note: "remote: \(columns.count) columns, queried in place through Keboola's Query Service",
            documentation: Self.documentation(of: remote, tableID: registration.id))
    }

    /// Where the remote table `id` is, as its last sync recorded it (read from the extract once per
    /// extract file); an error that says what to do when it was never synced.
    func remoteTarget(_ id: String) async throws -> KeboolaRemoteTarget {
        guard let target = try await remoteTargets.target(id) else {
            throw KeboolaError(
                .notFound,
                "remote table \(id) has not been synced yet: its columns and Keboola table come with its first sync")
        }
        return target
    }

    /// Submits `sql` to the read-only workspace (created on first use, replaced when Keboola lost it)
    /// and returns the job id.
    func submitInWorkspace(_ sql: String, client: KeboolaStorageClient, service: KeboolaQueryService) async throws
        -> String
    {
        let branch = try await client.defaultBranchID()
        let workspace = try await workspaces.current(client)
        do {
            return try await service.submit(sql, branchID: branch, workspaceID: workspace)
        } catch let error as KeboolaError where error.code == .notFound {
            logger.info("keboola workspace gone; creating another", metadata: ["workspace": "\(workspace)"])
            let replaced = try await workspaces.replace(workspace, client)
            return try await service.submit(sql, branchID: branch, workspaceID: replaced)
        }
    }
}
