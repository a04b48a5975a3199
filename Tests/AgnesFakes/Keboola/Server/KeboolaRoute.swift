import Foundation

/// What a request asks for, from its method and raw path.
///
/// Storage API paths live under `/v2/storage`, also in their branch-scoped form
/// `/v2/storage/branch/{branchId|default}/…` (apiary). Object-store paths: `/s3/<bucket>/<key>` (S3
/// path style), `/gcs/storage/v1/b/<bucket>/o/<percent-encoded key>` (GCS JSON API) and
/// `/gcs/<bucket>/<key>` (GCS XML API, for presigned URLs), `/azure/<account>/<container>/<blob>`.
enum KeboolaRoute: Equatable {
    case index
    case verifyToken
    case buckets
    case bucket(String)
    case bucketTables(String)
    case tables
    case table(String)
    case exportTable(String)
    case job(Int)
    case file(Int)
    case devBranches
    case workspaces
    case createWorkspace
    case workspace(Int64)
    case deleteWorkspace(Int64)
    /// Query Service (`/query-service/api/v1/…`): submit to a branch's workspace, a job, a result page.
    case submitQuery(branch: String, workspace: String)
    case queryJob(String)
    case cancelQuery(String)
    case queryResults(job: String, statement: String)
    case s3(bucket: String, key: String)
    case gcsJSON(bucket: String, key: String)
    case gcsXML(bucket: String, key: String)
    case azure(account: String, container: String, blob: String)
    case notFound

    init(method: String, path: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        let isRead = method == "GET" || method == "HEAD"
        switch segments.first {
        case "v2" where segments.count >= 2 && segments[1] == "storage":
            self = Self.storage(Array(segments.dropFirst(2)), method: method)
        case "s3" where isRead && segments.count >= 3 && !segments[1].isEmpty:
            self = .s3(bucket: Self.decode(segments[1]), key: Self.decode(segments[2...].joined(separator: "/")))
        case "query-service":
            self = Self.queryService(Array(segments.dropFirst()).filter { !$0.isEmpty }.map(Self.decode), method: method)
        case "gcs" where isRead:
            self = Self.gcs(Array(segments.dropFirst()))
        case "azure" where isRead && segments.count >= 4:
            self = .azure(
                account: segments[1], container: Self.decode(segments[2]),
                blob: Self.decode(segments[3...].joined(separator: "/")))
        default:
            self = .notFound
        }
    }

    /// Whether the object-store emulation answers it.
    var isObjectStore: Bool {
        switch self {
        case .s3, .gcsJSON, .gcsXML, .azure: true
        default: false
        }
    }

    /// Whether the Query Service answers it.
    var isQueryService: Bool {
        switch self {
        case .submitQuery, .queryJob, .cancelQuery, .queryResults: true
        default: false
        }
    }

    /// Whether it creates or polls an export job.
    var isJob: Bool {
        switch self {
        case .exportTable, .job: true
        default: false
        }
    }

    private static func storage(_ path: [String], method: String) -> KeboolaRoute {
        var path = path.filter { !$0.isEmpty }.map(decode)
        if path.count >= 2 && path[0] == "branch" { path.removeFirst(2) }
        switch (method, path.count, path.first) {
        case ("GET", 0, _): return .index
        case ("GET", 2, "tokens") where path[1] == "verify": return .verifyToken
        case ("GET", 1, "buckets"): return .buckets
        case ("GET", 2, "buckets"): return .bucket(path[1])
        case ("GET", 3, "buckets") where path[2] == "tables": return .bucketTables(path[1])
        case ("GET", 1, "tables"): return .tables
        case ("GET", 2, "tables"): return .table(path[1])
        case ("POST", 3, "tables") where path[2] == "export-async": return .exportTable(path[1])
        case ("GET", 2, "jobs"): return Int(path[1]).map { .job($0) } ?? .notFound
        case ("GET", 2, "files"): return Int(path[1]).map { .file($0) } ?? .notFound
        case ("GET", 1, "dev-branches"): return .devBranches
        case ("GET", 1, "workspaces"): return .workspaces
        case ("POST", 1, "workspaces"): return .createWorkspace
        case ("GET", 2, "workspaces"): return Int64(path[1]).map { .workspace($0) } ?? .notFound
        case ("DELETE", 2, "workspaces"): return Int64(path[1]).map { .deleteWorkspace($0) } ?? .notFound
        default: return .notFound
        }
    }

    private static func queryService(_ path: [String], method: String) -> KeboolaRoute {
        guard path.count >= 3, path[0] == "api", path[1] == "v1" else { return .notFound }
        let rest = Array(path.dropFirst(2))
        switch (method, rest.count, rest.first) {
        case ("POST", 5, "branches") where rest[2] == "workspaces" && rest[4] == "queries":
            return .submitQuery(branch: rest[1], workspace: rest[3])
        case ("GET", 2, "queries"): return .queryJob(rest[1])
        case ("POST", 3, "queries") where rest[2] == "cancel": return .cancelQuery(rest[1])
        case ("GET", 4, "queries") where rest[3] == "results": return .queryResults(job: rest[1], statement: rest[2])
        default: return .notFound
        }
    }

    private static func gcs(_ path: [String]) -> KeboolaRoute {
        // The JSON API wants the object name as one encoded segment: a raw `/` in it is a different path.
        if path.count == 6, path[0] == "storage", path[1] == "v1", path[2] == "b", path[4] == "o", !path[5].isEmpty {
            return .gcsJSON(bucket: decode(path[3]), key: decode(path[5]))
        }
        if path.count >= 2, path[0] != "storage", !path[0].isEmpty {
            return .gcsXML(bucket: decode(path[0]), key: decode(path[1...].joined(separator: "/")))
        }
        return .notFound
    }

    private static func decode(_ text: String) -> String {
        text.removingPercentEncoding ?? text
    }
}
