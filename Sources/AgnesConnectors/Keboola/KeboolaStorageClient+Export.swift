import AgnesCore
import Foundation
import NIOHTTP1

/// What an export asks for (`POST /v2/storage/tables/{id}/export-async`).
public struct KeboolaExportRequest: Sendable, Hashable {
    /// Columns in the order wanted; empty = all, in table order.
    public var columns: [String] = []
    /// Only rows added or changed since then (the rows' import timestamps).
    public var changedSince: Date?
    /// Only rows added or changed before then.
    public var changedUntil: Date?
    /// At most this many rows.
    public var limit: Int?
    /// Conditions on column values, AND-ed (`whereFilters`): operator `eq`, `ne`, `gt`, `ge`, `lt` or
    /// `le`; `eq`/`ne` take several values (any of them / none of them); `dataType` (`DOUBLE`, …)
    /// compares as numbers.
    public var whereFilters: [WhereFilter] = []

    /// One `whereFilters` entry.
    public struct WhereFilter: Sendable, Hashable {
        public var column: String
        public var op: String
        public var values: [String]
        public var dataType: String?

        public init(column: String, op: String, values: [String], dataType: String? = nil) {
            self.column = column
            self.op = op
            self.values = values
            self.dataType = dataType
        }
    }
    /// Gzipped slices (less to download).
    public var gzip = true

    /// Creates a request.
    public init(
        columns: [String] = [], changedSince: Date? = nil, changedUntil: Date? = nil, limit: Int? = nil,
        gzip: Bool = true
    ) {
        self.columns = columns
        self.changedSince = changedSince
        self.changedUntil = changedUntil
        self.limit = limit
        self.gzip = gzip
    }

    /// The form fields, as the Python client sends them (unix seconds for the change window).
    var form: [(String, String)] {
        var fields: [(String, String)] = [("format", "rfc"), ("gzip", gzip ? "1" : "0")]
        if !columns.isEmpty { fields.append(("columns", columns.joined(separator: ","))) }
        if let changedSince {
            fields.append(("changedSince", String(Int64(changedSince.timeIntervalSince1970.rounded(.down)))))
        }
        if let changedUntil {
            fields.append(("changedUntil", String(Int64(changedUntil.timeIntervalSince1970.rounded(.up)))))
        }
        if let limit { fields.append(("limit", String(limit))) }
        for (index, filter) in whereFilters.enumerated() {
            let name = "whereFilters[\(index)]"
            fields.append(("\(name)[column]", filter.column))
            fields.append(("\(name)[operator]", filter.op))
            for value in filter.values { fields.append(("\(name)[values][]", value)) }
            if let type = filter.dataType { fields.append(("\(name)[dataType]", type)) }
        }
        return fields
    }
}

extension KeboolaStorageClient {
    /// Starts an export job.
    public func startExport(tableID: String, _ export: KeboolaExportRequest) async throws -> KeboolaJob {
        let body = try await send(
            .POST, "/v2/storage/tables/\(FormEncoding.escape(tableID))/export-async", form: export.form)
        return try decodeJob(body, request: "export of \(tableID)")
    }

    /// Polls a job until it ends (first poll at once, then waits growing 1.5× up to the configured
    /// maximum), and returns it when it succeeded.
    ///
    /// - Throws: ``KeboolaError`` `jobFailed` with Keboola's message, or `timeout`.
    public func waitForJob(_ job: KeboolaJob, clock: ContinuousClock = ContinuousClock()) async throws -> KeboolaJob {
        let deadline = clock.now + configuration.exportTimeout
        var current = job
        var wait = configuration.pollInterval
        while !current.isFinished {
            guard clock.now < deadline else {
                throw KeboolaError(
                    .timeout,
                    "Keboola job \(job.id) did not finish within \(configuration.exportTimeout) (status \(current.status))"
                )
            }
            try await Task.sleep(for: wait)
            wait = min(wait * 1.5, configuration.maxPollInterval)
            current = try decodeJob(try await send(.GET, "/v2/storage/jobs/\(job.id)"), request: "job \(job.id)")
        }
        guard current.status == "success" else {
            throw KeboolaError(
                .jobFailed, "Keboola's export job \(job.id) failed: \(current.errorMessage ?? "no reason given")")
        }
        return current
    }

    /// A file's detail with the credentials to download it.
    public func file(id: Int64) async throws -> KeboolaFile {
        try await get("/v2/storage/files/\(id)", query: [("federationToken", "1")], as: KeboolaFile.self)
    }

    private func decodeJob(_ body: Data, request: String) throws -> KeboolaJob {
        do {
            return try JSONDecoder().decode(KeboolaJob.self, from: body)
        } catch {
            throw KeboolaError(.invalidResponse, "Keboola's answer about the \(request) is not a job: \(error)")
        }
    }
}
