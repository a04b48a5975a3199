/// A query and the settings it runs with, from a jobs.query `QueryRequest` or the `configuration` of a
/// jobs.insert `Job`.
struct QueryConfiguration: Sendable {
    var query: String
    /// `useLegacySql`, true when the request leaves it out (the API's documented default).
    var useLegacySQL: Bool
    var defaultDataset: BigQueryDatasetID?
    var destinationTable: BigQueryTableID?
    var writeDisposition: String?
    var isDryRun: Bool
    var location: String?
    var maxResults: Int?
    var labels: [String: String]
    /// `formatOptions` of a jobs.query request.
    var timestamps = RowEncoding.TimestampFormat.float64

    /// From a `QueryRequest`; `project` is the one of the request path.
    init(queryRequest body: [String: Any], project: String) throws(BigQueryError) {
        guard let query = body["query"] as? String, !query.isEmpty else {
            throw .invalid("Required parameter is missing: query")
        }
        self.query = query
        useLegacySQL = BigQueryJSON.bool(body["useLegacySql"]) ?? true
        defaultDataset = try Self.dataset(body["defaultDataset"], project: project)
        isDryRun = BigQueryJSON.bool(body["dryRun"]) ?? false
        location = body["location"] as? String
        maxResults = BigQueryJSON.int(body["maxResults"])
        labels = body["labels"] as? [String: String] ?? [:]
        let format = body["formatOptions"] as? [String: Any]
        timestamps = .init(
            useInt64Timestamp: BigQueryJSON.bool(format?["useInt64Timestamp"]),
            outputFormat: format?["timestampOutputFormat"] as? String)
    }

    /// From a `Job`'s `configuration` (its `query` part) and `jobReference.location`.
    init(job body: [String: Any], project: String) throws(BigQueryError) {
        let configuration = body["configuration"] as? [String: Any] ?? [:]
        guard let query = configuration["query"] as? [String: Any] else {
            throw .invalid("FakeBigQuery runs query jobs only: configuration.query is missing")
        }
        guard let text = query["query"] as? String, !text.isEmpty else {
            throw .invalid("Required parameter is missing: configuration.query.query")
        }
        self.query = text
        useLegacySQL = BigQueryJSON.bool(query["useLegacySql"]) ?? true
        defaultDataset = try Self.dataset(query["defaultDataset"], project: project)
        if let table = query["destinationTable"] as? [String: Any] {
            guard let dataset = table["datasetId"] as? String, let name = table["tableId"] as? String else {
                throw .invalid("Invalid destinationTable: datasetId and tableId are required")
            }
            destinationTable = BigQueryTableID(
                project: table["projectId"] as? String ?? project, dataset: dataset, table: name)
        }
        writeDisposition = query["writeDisposition"] as? String
        isDryRun = BigQueryJSON.bool(configuration["dryRun"]) ?? false
        location = (body["jobReference"] as? [String: Any])?["location"] as? String
        labels = configuration["labels"] as? [String: String] ?? [:]
    }

    /// The parts of `configuration.query` a Job resource shows.
    var json: [String: Any] {
        var json: [String: Any] = ["query": query, "useLegacySql": useLegacySQL]
        if let defaultDataset {
            json["defaultDataset"] = ["projectId": defaultDataset.project, "datasetId": defaultDataset.dataset]
        }
        if let destinationTable { json["destinationTable"] = destinationTable.reference }
        if let writeDisposition { json["writeDisposition"] = writeDisposition }
        return json
    }

    private static func dataset(_ value: Any?, project: String) throws(BigQueryError) -> BigQueryDatasetID? {
        guard let reference = value as? [String: Any] else { return nil }
        guard let dataset = reference["datasetId"] as? String else {
            throw .invalid("Invalid defaultDataset: datasetId is required")
        }
        return BigQueryDatasetID(project: reference["projectId"] as? String ?? project, dataset: dataset)
    }
}
