import AgnesCore
import Foundation
import NIOHTTP1

/// Keboola's Query Service (`services[id=query]` of the API index), as its SDKs call it: a job of SQL
/// statements submitted to a workspace of a branch, polled until it ends, its results read in pages.
/// Calls carry the Storage API token and share the Storage client's retries (429 with `Retry-After`,
/// 5xx, broken connections); its errors are `{"exception","exceptionId","context"}`.
///
/// ```swift
/// let service = KeboolaQueryService(client: client, baseURL: try await client.queryServiceURL())
/// let job = try await service.run("SELECT 1", branchID: 123, workspaceID: 456)
/// let page = try await service.page(of: job, statementID: job.statements[0].id, offset: 0, pageSize: 1000)
/// ```
struct KeboolaQueryService: Sendable {
    let client: KeboolaStorageClient
    /// `https://query.<stack>`, without a trailing `/`.
    let baseURL: String

    /// Submits one statement in a transaction; returns the job id. A 403 "Failed to get workspace
    /// credentials" is transient (Keboola's MCP server retries it) and gets the retry policy's attempts.
    func submit(_ sql: String, branchID: Int64, workspaceID: Int64) async throws -> String {
        let body = try JSONSerialization.data(
            withJSONObject: ["statements": [sql], "transactional": true] as [String: Any])
        let retry = client.configuration.retry
        var attempt = 1
        while true {
            do {
                let data = try await client.send(
                    .POST, "/api/v1/branches/\(branchID)/workspaces/\(workspaceID)/queries", json: body, base: baseURL)
                return try decode(KeboolaQuerySubmission.self, data, "the submitted query").queryJobId
            } catch let error as KeboolaError
                where error.status == 403 && error.message.contains("workspace credentials") && attempt < retry.maxAttempts
            {
                try await retry.sleep(retry.delay(after: attempt, retryAfter: nil))
                attempt += 1
            }
        }
    }

    /// Polls a job until it ends (waits grow 1.5 times from the poll interval), within the export timeout.
    func wait(for jobID: String, clock: ContinuousClock = ContinuousClock()) async throws -> KeboolaQueryJob {
        let configuration = client.configuration
        let deadline = clock.now + configuration.exportTimeout
        var wait = configuration.pollInterval
        while true {
            let job = try decode(
                KeboolaQueryJob.self,
                try await client.send(.GET, "/api/v1/queries/\(Self.segment(jobID))", base: baseURL),
                "query job \(jobID)")
            if job.hasEnded { return job }
            guard clock.now < deadline else {
                await cancel(jobID, reason: "Agnes stopped waiting after \(configuration.exportTimeout)")
                throw KeboolaError(
                    .timeout,
                    "Keboola query job \(jobID) did not finish within \(configuration.exportTimeout) (status \(job.status))"
                )
            }
            do {
                try await Task.sleep(for: wait)
            } catch {
                await cancel(jobID, reason: "the sync run was cancelled")
                throw error
            }
            wait = min(wait * 1.5, configuration.maxPollInterval)
        }
    }

    /// Asks Keboola to stop a job, best effort (a job left running only costs warehouse time).
    func cancel(_ jobID: String, reason: String) async {
        guard let body = try? JSONSerialization.data(withJSONObject: ["reason": reason]) else { return }
        _ = try? await client.send(.POST, "/api/v1/queries/\(Self.segment(jobID))/cancel", json: body, base: baseURL)
    }

    /// One page of a statement's result.
    func page(jobID: String, statementID: String, offset: Int64, pageSize: Int) async throws -> KeboolaQueryPage {
        let data = try await client.send(
            .GET, "/api/v1/queries/\(Self.segment(jobID))/\(Self.segment(statementID))/results",
            query: [("offset", String(offset)), ("pageSize", String(pageSize))], base: baseURL)
        return try decode(KeboolaQueryPage.self, data, "a result page of query job \(jobID)")
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw KeboolaError(
                .invalidResponse, "Keboola's Query Service answer about \(what) is not what it documents: \(error)")
        }
    }

    private static func segment(_ text: String) -> String { FormEncoding.escape(text) }
}
