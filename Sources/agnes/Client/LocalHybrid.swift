import AgnesCLI
import AgnesClient
import AgnesConnectors
import DuckDB
import Foundation
import Logging

/// `agnes query --register-bq alias=SQL` on the analyst's machine (REFERENCE §2.6): each BigQuery SQL
/// runs with the analyst's own Google credentials (`GOOGLE_APPLICATION_CREDENTIALS`, else the metadata
/// server at `GCE_METADATA_HOST`) in `BIGQUERY_PROJECT` (jobs billed there), at most `limit` rows each,
/// and its result joins the local workspace database as a temporary view named by the alias. The API
/// address is `BIGQUERY_API_BASE_URL` (default Google's).
enum LocalHybrid {
    static func run(
        _ sql: String, registered: [String: String], limit: Int, workspace: Workspace, environment: [String: String]
    ) async throws -> ResultTable {
        guard let project = environment["BIGQUERY_PROJECT"], !project.isEmpty else {
            throw ClientError(
                .notConfigured, "--register-bq needs a BigQuery project to run the SQL in",
                hint:
                    "export BIGQUERY_PROJECT=<project id> (and GOOGLE_APPLICATION_CREDENTIALS=<key file>), or use --remote"
            )
        }
        let configuration = BigQueryConfiguration(
            apiBaseURL: environment["BIGQUERY_API_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
                ?? "https://bigquery.googleapis.com",
            dataProject: project, location: environment["BIGQUERY_LOCATION"])
        var logger = Logger(label: "agnes.query")
        logger.logLevel = .error
        let client = BigQueryClient(
            configuration: configuration,
            tokens: GoogleAccessTokens(
                source: GoogleAccessTokens.source(environment: environment), http: BigQueryConnector.defaultHTTPClient),
            http: BigQueryConnector.defaultHTTPClient, logger: logger)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-hybrid-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        var files: [String: URL] = [:]
        for (alias, bigquerySQL) in registered.sorted(by: { $0.key < $1.key }) {
            let directory = work.appendingPathComponent(alias)
            let file = directory.appendingPathComponent("\(alias).parquet")
            do {
                let staged = try await BigQueryConnector.stage(
                    bigquerySQL, client: client, in: directory, maxRows: Int64(limit), timeout: .seconds(300))
                try await offloaded("agnes.query.convert") { try staged.convert(to: file) }
            } catch let error as BigQueryError {
                throw ClientError(.badRequest, "BQ '\(alias)': \(error.kind): \(error.message)", hint: error.hint)
            }
            files[alias] = file
        }
        return try await LocalDatabase(workspace: workspace).query(sql, limit: limit, registered: files)
    }
}
