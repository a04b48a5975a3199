import AgnesAuth
import AgnesConnectors
import AgnesCore
import Foundation
import Hummingbird

/// `POST /api/admin/bigquery/test-connection` (admin; REFERENCE §1.9): runs `SELECT 1 AS ok` in the
/// billing project with a 10 s budget.
///
/// - 200 `{"ok": true, "billing_project", "data_project", "elapsed_ms"}`;
/// - 400 `{"detail": {"kind": "not_configured", "message", "hint"}}` without a project;
/// - 502 `{"detail": {"kind", "message", "hint"}}` when BigQuery or the credentials fail;
/// - 504 `{"detail": {"kind": "timeout", "elapsed_ms": 10000, "hint"}}` (the job is cancelled).
struct BigQueryRoutes {
    let services: AgnesServices

    struct Connected: Encodable {
        let ok = true
        let billingProject: String
        let dataProject: String
        let elapsedMS: Int

        enum CodingKeys: String, CodingKey {
            case ok
            case billingProject = "billing_project"
            case dataProject = "data_project"
            case elapsedMS = "elapsed_ms"
        }
    }

    /// A BigQuery failure as `detail`: `{kind, message, hint?, elapsed_ms?}`.
    struct Failure: Encodable {
        let kind: String
        let message: String
        let hint: String?
        let elapsedMS: Int?

        enum CodingKeys: String, CodingKey {
            case kind, message, hint
            case elapsedMS = "elapsed_ms"
        }
    }

    static let testBudget: Duration = .seconds(10)

    func register(on router: Router<AgnesRequestContext>) {
        router.post("/api/admin/bigquery/test-connection") { request, context in
            _ = try await services.admin(request, context)
            let client: BigQueryClient
            do {
                client = try services.bigquery.client()
            } catch let error as BigQueryError {
                throw APIError(
                    .badRequest,
                    detail: Failure(
                        kind: error.kind.rawValue, message: error.message, hint: error.hint, elapsedMS: nil),
                    message: error.message)
            }
            let started = ContinuousClock.now
            do {
                try await client.run("SELECT 1 AS ok", timeout: Self.testBudget) { _, _ in }
            } catch let error as BigQueryError {
                let elapsed = Int((ContinuousClock.now - started).milliseconds)
                if error.kind == .timeout {
                    throw APIError(
                        .gatewayTimeout,
                        detail: Failure(
                            kind: "timeout", message: error.message,
                            hint:
                                "BigQuery did not answer SELECT 1 within 10 s; check the billing project's quota and location",
                            elapsedMS: elapsed), message: error.message)
                }
                throw Self.apiError(error)
            }
            return JSONBody.response(
                object: Connected(
                    billingProject: client.configuration.billingProject, dataProject: client.configuration.dataProject,
                    elapsedMS: Int((ContinuousClock.now - started).milliseconds)))
        }
    }

    /// A BigQuery failure as the API answers it (REFERENCE §1.8's kinds and statuses).
    static func apiError(_ error: BigQueryError) -> APIError {
        APIError(
            .init(code: error.httpStatus),
            detail: Failure(kind: error.kind.rawValue, message: error.message, hint: error.hint, elapsedMS: nil),
            message: error.message)
    }
}

extension BigQueryRoutes: DescribedRoutes {
    var apiTag: String { "Admin" }

    var operations: [APIOperation] {
        let failure: JSONSchema = .object(["kind": .string, "message": .string, "hint": .string])
        return [
            .post(
                "/api/admin/bigquery/test-connection", "Run SELECT 1 in the billing project to check BigQuery's setup",
                .admin,
                responses: [
                    .ok(
                        .object([
                            "ok": .boolean, "billing_project": .string, "data_project": .string, "elapsed_ms": .integer,
                        ])),
                    APIResponse(
                        status: 400, description: "BigQuery is not configured",
                        content: ("application/json", .object(["detail": failure]))),
                    APIResponse(
                        status: 502, description: "BigQuery or the credentials failed",
                        content: ("application/json", .object(["detail": failure]))),
                    APIResponse(
                        status: 504, description: "SELECT 1 did not finish within 10 s (the job was cancelled)",
                        content: ("application/json", .object(["detail": failure]))),
                ])
        ]
    }
}
