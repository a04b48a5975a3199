import Foundation

/// The BigQuery projects and guardrails, from `data_source.bigquery` of `instance.yaml` (credentials
/// are never in the file: a service-account key file named by `GOOGLE_APPLICATION_CREDENTIALS`, else
/// the metadata server at `GCE_METADATA_HOST`).
///
/// ```yaml
/// data_source:
///   type: bigquery
///   bigquery:
///     project: acme-data            # where the tables are
///     billing_project: acme-jobs    # who runs (and pays for) the jobs; the project when absent
///     location: EU
///     bq_max_scan_bytes: 5368709120
///     max_bytes_per_materialize: 10737418240
/// ```
public struct BigQuerySettings: Sendable, Hashable {
    /// The data project (`project`; `BIGQUERY_PROJECT` overrides it and the billing project).
    public var dataProject: String?
    /// The project jobs run in (`billing_project`, default the data project).
    public var billingProject: String?
    /// The jobs' location (`location`), nil = BigQuery's default for the dataset.
    public var location: String?
    /// The API (`api_base_url`, default `https://bigquery.googleapis.com`).
    public var apiBaseURL: String
    /// Most bytes a query over remote tables may scan (`bq_max_scan_bytes`, default 5 GiB; 0 = no limit).
    public var maxScanBytes: Int64
    /// Most bytes a materialization may scan (`max_bytes_per_materialize`, default 10 GiB; 0 = no limit).
    public var maxBytesPerMaterialize: Int64

    public static let defaultAPIBaseURL = "https://bigquery.googleapis.com"

    /// How long registering a remote table waits for its schema before answering 202 (REFERENCE §1.9: 5 s).
    public var registrationWaitSeconds: Int

    public init(
        dataProject: String? = nil, billingProject: String? = nil, location: String? = nil,
        apiBaseURL: String = BigQuerySettings.defaultAPIBaseURL, maxScanBytes: Int64 = 5_368_709_120,
        maxBytesPerMaterialize: Int64 = 10_737_418_240, registrationWaitSeconds: Int = 5
    ) {
        self.registrationWaitSeconds = registrationWaitSeconds
        self.dataProject = dataProject
        self.billingProject = billingProject ?? dataProject
        self.location = location
        self.apiBaseURL = apiBaseURL
        self.maxScanBytes = maxScanBytes
        self.maxBytesPerMaterialize = maxBytesPerMaterialize
    }

    /// Whether a data project is known.
    public var isConfigured: Bool { !(dataProject ?? "").isEmpty }

    init(config: ConfigReader, environment: EnvironmentReader) throws(ConfigError) {
        let defaults = BigQuerySettings()
        func text(_ key: String) throws(ConfigError) -> String? {
            guard let value = try config.string(at: ["data_source", "bigquery", key]), !value.isEmpty else {
                return nil
            }
            return value.trimmingCharacters(in: .whitespaces)
        }
        func bytes(_ key: String, default value: Int64) throws(ConfigError) -> Int64 {
            let path = ["data_source", "bigquery", key]
            guard let raw = try config.value(at: path) else { return value }
            let number: Int?
            switch raw {
            case .string(let text): number = Int(text.trimmingCharacters(in: .whitespaces))
            default: number = raw.intValue
            }
            guard let number, number >= 0 else {
                throw .invalidValue(
                    file: config.file(for: path), key: "data_source.bigquery.\(key)",
                    expected: "a whole number of bytes, 0 or more (0 = no limit)", got: raw)
            }
            return Int64(number)
        }
        var dataProject = try text("project")
        var billingProject = try text("billing_project")
        if let project = environment.string("BIGQUERY_PROJECT"), !project.isEmpty {
            dataProject = project
            billingProject = project
        }
        let base = try text("api_base_url") ?? defaults.apiBaseURL
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false
        else {
            throw .invalidValue(
                file: config.file(for: ["data_source", "bigquery", "api_base_url"]),
                key: "data_source.bigquery.api_base_url", expected: "an http or https URL", got: .string(base))
        }
        self.init(
            dataProject: dataProject, billingProject: billingProject, location: try text("location"),
            apiBaseURL: base, maxScanBytes: try bytes("bq_max_scan_bytes", default: defaults.maxScanBytes),
            maxBytesPerMaterialize: try bytes("max_bytes_per_materialize", default: defaults.maxBytesPerMaterialize))
    }
}
