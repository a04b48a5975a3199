import AgnesConnectors
import Crypto
import DuckDB
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOFoundationCompat
import Synchronization

/// `POST /webhooks/jira` and `GET /webhooks/jira/health` (REFERENCE §1.15), anonymous and
/// authenticated by the HMAC-SHA256 of the raw body under `JIRA_WEBHOOK_SECRET`.
///
/// In order: no secret → 503 `Webhook secret not configured`; a missing or wrong `X-Hub-Signature-256`
/// (or `X-Hub-Signature`; `sha256=` optional; compared in constant time) → 401 `Invalid signature`;
/// an empty body or `{}` → 400 `Empty payload`; not a JSON object → 400 `Invalid JSON payload`; no
/// well-formed key in `issue.key` or `issue_key` → 400 `Malformed or missing issue key`. The event is
/// then kept in `webhook_events/`; without a configured Jira → 503 `{status:"error", message:"Jira
/// service not configured"}`. Otherwise it is queued durably and answered 200 `{status:"ok", event,
/// issue}` before any fetch: processing happens behind the answer (``JiraProcessor``). A delivery
/// already accepted (same `X-Atlassian-Webhook-Identifier`, else the same body) is answered 200 with
/// `duplicate: true` and not queued again. When the event cannot be stored → 500 `{status:"error",
/// message:"Failed to process event", event, issue}`, which Jira retries.
struct JiraWebhookRoutes {
    let services: AgnesServices

    /// Largest webhook body read (Jira's payloads carry the issue's fields).
    static let maxBody = 10 << 20
    /// True for a key of REFERENCE §1.15's pattern `^[A-Z][A-Z0-9]{0,31}-[0-9]{1,12}$`.
    static func isIssueKey(_ key: String) -> Bool {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let first = parts[0].unicodeScalars.first, ("A"..."Z").contains(first),
            (1...32).contains(parts[0].count), (1...12).contains(parts[1].count)
        else { return false }
        return parts[0].unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
            && parts[1].unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }

    struct Accepted: Encodable {
        let status: String
        let event: String
        let issue: String
        let duplicate: Bool?
    }

    struct Failure: Encodable {
        let status = "error"
        let message: String
        let event: String?
        let issue: String?
    }

    struct Health: Encodable {
        let status = "ok"
        let configured: Bool
        let webhookSecretSet: Bool
        let jiraDomain: String
        let queued: Int?

        enum CodingKeys: String, CodingKey {
            case status, configured, queued
            case webhookSecretSet = "webhook_secret_set"
            case jiraDomain = "jira_domain"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        let jira = services.jira
        router.post("/webhooks/jira") { request, _ in
            guard let secret = jira.settings.webhookSecret else {
                throw APIError(.serviceUnavailable, "Webhook secret not configured")
            }
            let body = Data(buffer: try await request.collectBody(upTo: Self.maxBody))
            let header =
                request.headers[HTTPField.Name("X-Hub-Signature-256")!]
                ?? request.headers[HTTPField.Name("X-Hub-Signature")!]
            guard let header, Self.verify(body: body, signature: header, secret: secret) else {
                throw APIError(.unauthorized, "Invalid signature")
            }
            let trimmed = body.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            guard !trimmed.isEmpty, trimmed != Data("{}".utf8) else { throw APIError.badRequest("Empty payload") }
            guard let payload = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
                throw APIError.badRequest("Invalid JSON payload")
            }
            let event = (payload["webhookEvent"] as? String) ?? "unknown"
            let key = ((payload["issue"] as? [String: Any])?["key"] as? String) ?? (payload["issue_key"] as? String)
            guard let key, Self.isIssueKey(key) else {
                throw APIError.badRequest("Malformed or missing issue key")
            }
            let raw = jira.settings.rawDirectory
            let eventFile: String
            do {
                eventFile = try await offloadedEventWrite(body, event: event, raw: raw)
            } catch {
                services.logger.error("jira webhook: the event could not be stored", metadata: ["error": "\(error)"])
                return JSONBody.response(
                    status: .internalServerError,
                    object: Failure(message: "Failed to process event", event: event, issue: key))
            }
            guard let processor = jira.processor else {
                return JSONBody.response(
                    status: .serviceUnavailable,
                    object: Failure(message: "Jira service not configured", event: nil, issue: nil))
            }
            let delivery =
                request.headers[HTTPField.Name("X-Atlassian-Webhook-Identifier")!].map { "id:\($0)" }
                ?? "sha256:" + SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
            guard jira.deliveries.withLock({ $0.insert(delivery) }) else {
                return JSONBody.response(object: Accepted(status: "ok", event: event, issue: key, duplicate: true))
            }
            do {
                try await processor.enqueue([.fetch(key, eventFile: eventFile)])
            } catch {
                jira.deliveries.withLock { $0.remove(delivery) }
                services.logger.error("jira webhook: the event could not be queued", metadata: ["error": "\(error)"])
                return JSONBody.response(
                    status: .internalServerError,
                    object: Failure(message: "Failed to process event", event: event, issue: key))
            }
            return JSONBody.response(object: Accepted(status: "ok", event: event, issue: key, duplicate: nil))
        }
        router.get("/webhooks/jira/health") { _, _ in
            JSONBody.response(
                object: Health(
                    configured: jira.processor != nil, webhookSecretSet: jira.settings.webhookSecret != nil,
                    jiraDomain: jira.settings.domain ?? "(not set)", queued: jira.processor?.pendingCount))
        }
    }

    /// True when `signature` (hex, `sha256=` optional) is the HMAC-SHA256 of `body` under `secret`.
    static func verify(body: Data, signature: String, secret: String) -> Bool {
        var hex = signature.trimmingCharacters(in: .whitespaces)
        if hex.lowercased().hasPrefix("sha256=") { hex = String(hex.dropFirst(7)) }
        guard hex.count == 64 else { return false }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return false }
            bytes.append(byte)
            index = next
        }
        return HMAC<SHA256>.isValidAuthenticationCode(
            bytes, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }

    /// Keeps the event under `webhook_events/<stamp>_<event>.json`; returns that relative path.
    private func offloadedEventWrite(_ body: Data, event: String, raw: URL) async throws -> String {
        let name = String(
            event.unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" ? Character($0) : "_"
            }
            .prefix(64))
        let relative = "webhook_events/\(JiraEventStamp.now())_\(name).json"
        try await offloaded("agnes.jira.webhook") {
            try JiraEventStamp.store(body, at: raw.appendingPathComponent(relative))
        }
        return relative
    }
}

extension JiraWebhookRoutes: DescribedRoutes {
    var apiTag: String { "Jira" }

    var operations: [APIOperation] {
        [
            .post(
                "/webhooks/jira",
                "Jira Cloud webhook: HMAC-SHA256 of the raw body in X-Hub-Signature-256 (or X-Hub-Signature); queued durably, processed behind the answer",
                .anonymous,
                responses: [
                    .ok(.object(["status": .string, "event": .string, "issue": .string, "duplicate": .boolean])),
                    .error(400, "Empty payload, invalid JSON payload, or a malformed or missing issue key"),
                    .error(401, "Invalid signature"),
                    .error(503, "Webhook secret not configured, or Jira service not configured"),
                ]),
            .get(
                "/webhooks/jira/health", "Whether the Jira webhook is configured", .anonymous,
                responses: [
                    .ok(
                        .object([
                            "status": .string, "configured": .boolean, "webhook_secret_set": .boolean,
                            "jira_domain": .string, "queued": .integer,
                        ]))
                ]),
        ]
    }
}
