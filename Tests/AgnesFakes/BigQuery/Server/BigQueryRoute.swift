import Foundation

/// What a request asks for, from its method and path: the token endpoint (`POST /token`), the metadata
/// server (`/computeMetadata/v1/…`), or the BigQuery API (`/bigquery/v2/projects/{projectId}/…`).
enum BigQueryRoute: Equatable {
    case token
    case metadataRoot
    case metadataToken
    case metadataEmail
    case metadataProjectID
    case query(project: String)
    case queryResults(project: String, job: String)
    case insertJob(project: String)
    case job(project: String, job: String)
    case cancelJob(project: String, job: String)
    case datasets(project: String)
    case dataset(BigQueryDatasetID)
    case tables(BigQueryDatasetID)
    case table(BigQueryTableID)
    case tableData(BigQueryTableID)
    case notFound

    init(method: String, path: String) {
        let segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        switch (method, segments.first) {
        case ("POST", "token") where segments.count == 1:
            self = .token
        case ("GET", nil):
            self = .metadataRoot
        case ("GET", "computeMetadata"):
            self = Self.metadata(Array(segments.dropFirst()))
        case (_, "bigquery") where segments.count >= 4 && segments[1] == "v2" && segments[2] == "projects":
            self = Self.api(method, project: segments[3], Array(segments.dropFirst(4)))
        default:
            self = .notFound
        }
    }

    /// Whether it is a BigQuery API call (which needs a bearer token).
    var isAPI: Bool {
        switch self {
        case .token, .metadataRoot, .metadataToken, .metadataEmail, .metadataProjectID, .notFound: false
        default: true
        }
    }

    /// Whether the metadata server answers it.
    var isMetadata: Bool {
        switch self {
        case .metadataRoot, .metadataToken, .metadataEmail, .metadataProjectID: true
        default: false
        }
    }

    private static func metadata(_ path: [String]) -> BigQueryRoute {
        switch path {
        case [], ["v1"]: .metadataRoot
        case ["v1", "project", "project-id"]: .metadataProjectID
        case let path where path.count == 5 && path.starts(with: ["v1", "instance", "service-accounts"]):
            path[4] == "token" ? .metadataToken : path[4] == "email" ? .metadataEmail : .notFound
        default: .notFound
        }
    }

    private static func api(_ method: String, project: String, _ path: [String]) -> BigQueryRoute {
        switch (method, path.count, path.first) {
        case ("POST", 1, "queries"): return .query(project: project)
        case ("GET", 2, "queries"): return .queryResults(project: project, job: path[1])
        case ("POST", 1, "jobs"): return .insertJob(project: project)
        case ("GET", 2, "jobs"): return .job(project: project, job: path[1])
        case ("POST", 3, "jobs") where path[2] == "cancel": return .cancelJob(project: project, job: path[1])
        case ("GET", 1, "datasets"): return .datasets(project: project)
        case ("GET", 2, "datasets"): return .dataset(BigQueryDatasetID(project: project, dataset: path[1]))
        case ("GET", 3, "datasets") where path[2] == "tables":
            return .tables(BigQueryDatasetID(project: project, dataset: path[1]))
        case ("GET", 4, "datasets") where path[2] == "tables":
            return .table(BigQueryTableID(project: project, dataset: path[1], table: path[3]))
        case ("GET", 5, "datasets") where path[2] == "tables" && path[4] == "data":
            return .tableData(BigQueryTableID(project: project, dataset: path[1], table: path[3]))
        default: return .notFound
        }
    }
}
