import AgnesCore
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Tells `sync.alert_webhook_url` about a run with failures: one JSON POST, best effort (a webhook
/// that is down is logged, never fails the run).
///
/// The body: `{"event": "sync.failed", "run_id", "status", "trigger", "started_at", "finished_at",
/// "error", "failures": [{"table", "source", "reason"}], "failure_count"}`.
public struct SyncAlertSender: Sendable {
    let url: URL
    let client: HTTPClient
    let timeout: TimeAmount

    /// Creates a sender posting to `url` with `client`.
    public init(url: URL, client: HTTPClient = .shared, timeout: TimeAmount = .seconds(10)) {
        self.url = url
        self.client = client
        self.timeout = timeout
    }

    struct Body: Encodable {
        struct Failure: Encodable {
            let table: String
            let source: String
            let reason: String?
        }

        let event = "sync.failed"
        let runID: String
        let status: String
        let trigger: String
        let startedAt: Date?
        let finishedAt: Date?
        let error: String?
        let failures: [Failure]
        let failureCount: Int

        enum CodingKeys: String, CodingKey {
            case event, status, trigger, error, failures
            case runID = "run_id"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case failureCount = "failure_count"
        }
    }

    /// Posts the alert; at most the first 100 failures are listed (`failure_count` has them all).
    func send(run: SyncRun, failures: [SyncTableOutcome], logger: Logger) async {
        let body = Body(
            runID: run.id, status: run.status.rawValue, trigger: run.trigger, startedAt: run.startedAt,
            finishedAt: run.finishedAt, error: run.error,
            failures: failures.prefix(100).map { .init(table: $0.tableID, source: $0.source, reason: $0.reason) },
            failureCount: failures.count)
        do {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "agnes-sync-alert")
            request.body = .bytes(ByteBuffer(data: try encoder.encode(body)))
            let response = try await client.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            guard (200..<300).contains(Int(response.status.code)) else {
                logger.warning(
                    "sync alert webhook refused the alert",
                    metadata: ["status": "\(response.status.code)", "run": "\(run.id)"])
                return
            }
        } catch {
            logger.warning("sync alert webhook unreachable", metadata: ["error": "\(error)", "run": "\(run.id)"])
        }
    }
}
