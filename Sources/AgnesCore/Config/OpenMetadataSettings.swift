import Foundation

/// The OpenMetadata catalog the `catalog-export` job reads table docs and metrics from, from the
/// `openmetadata` section of `instance.yaml` (REFERENCE §4.5, §5.5, §8.1).
///
/// The token is `openmetadata.token` (as in the original, usually written `${OPENMETADATA_TOKEN}` so it
/// stays out of the file), else the environment variable `openmetadata.token_env` names (default
/// `OPENMETADATA_TOKEN`). Without both a URL and a token the export is not configured and says so.
///
/// ```yaml
/// openmetadata:
///   url: https://catalog.example.com
///   token: ${OPENMETADATA_TOKEN}
///   data_product: AnalyticsDataModel     # metrics of this data product; else filter_tag; else all
///   filter_tag: AIAgent.Analyst
///   fqn_template: "bigquery.{id}"         # a registered table's FQN; {id} {name} {bucket} {source_table} {source_type}
///   tables: {orders: "bigquery.acme.sales.orders"}   # explicit FQNs, winning over the template
/// ```
public struct OpenMetadataSettings: Sendable, Hashable, CustomStringConvertible {
    /// The variable the token is read from when `openmetadata.token` is empty and `token_env` is not set.
    public static let defaultTokenVariable = "OPENMETADATA_TOKEN"
    /// The original's FQN of a registered table: `bigquery.<table id>`.
    public static let defaultFQNTemplate = "bigquery.{id}"
    /// The placeholders `fqn_template` may use.
    public static let fqnPlaceholders: Set<String> = ["id", "name", "bucket", "source_table", "source_type"]

    /// The server, `https://catalog.example.com` (`url`, without a trailing `/`); nil when not configured.
    public var url: String?
    /// The bearer token (a JWT of a bot or a personal access token); nil when not configured.
    public var token: String?
    /// Where the token comes from, for messages: `openmetadata.token` or `$<variable>`.
    public var tokenSource: String
    /// Metrics are those of this data product (`data_product`), when set.
    public var dataProduct: String?
    /// Otherwise those carrying this tag (`filter_tag`, a tag FQN such as `AIAgent.Analyst`), when set.
    public var filterTag: String?
    /// The original enricher's in-process cache lifetime (`cache_ttl_seconds`, 3,600). Accepted for
    /// compatibility: the scheduled export reads OpenMetadata afresh on every run.
    public var cacheTTLSeconds: Int
    /// Whether the server's TLS certificate is checked (`verify_ssl`, true).
    public var verifiesTLS: Bool
    /// A registered table's FQN (`fqn_template`), from the placeholders in ``fqnPlaceholders``.
    public var fqnTemplate: String
    /// FQNs by registry id (`tables`), winning over the template.
    public var tableFQNs: [String: String]
    /// How long one request may take (`timeout_seconds`, 30).
    public var timeoutSeconds: Int

    /// Creates settings; the defaults are "not configured".
    public init(
        url: String? = nil, token: String? = nil, tokenSource: String = "openmetadata.token",
        dataProduct: String? = nil, filterTag: String? = nil, cacheTTLSeconds: Int = 3600, verifiesTLS: Bool = true,
        fqnTemplate: String = OpenMetadataSettings.defaultFQNTemplate, tableFQNs: [String: String] = [:],
        timeoutSeconds: Int = 30
    ) {
        self.url = url.map(Self.trimmed)
        self.token = token
        self.tokenSource = tokenSource
        self.dataProduct = dataProduct
        self.filterTag = filterTag
        self.cacheTTLSeconds = cacheTTLSeconds
        self.verifiesTLS = verifiesTLS
        self.fqnTemplate = fqnTemplate
        self.tableFQNs = tableFQNs
        self.timeoutSeconds = timeoutSeconds
    }

    /// Why the export cannot run, nil when both a URL and a token are known.
    public var missing: String? {
        switch (url, token) {
        case (nil, nil): "OpenMetadata is not configured: set openmetadata.url and openmetadata.token"
        case (nil, _): "OpenMetadata is not configured: set openmetadata.url"
        case (_, nil):
            "OpenMetadata is not configured: openmetadata.url is set but there is no token "
                + "(openmetadata.token, or the variable openmetadata.token_env names; \(tokenSource) is empty)"
        default: nil
        }
    }

    /// True when the export can run.
    public var isConfigured: Bool { missing == nil }

    /// Everything but the token.
    public var description: String {
        "OpenMetadataSettings(url: \(url ?? "nil"), token: \(token == nil ? "nil" : "***") from \(tokenSource), "
            + "dataProduct: \(dataProduct ?? "nil"), filterTag: \(filterTag ?? "nil"), fqnTemplate: \(fqnTemplate))"
    }

    /// Reads the section. The URL must be http(s) with a host; the template may use only the known
    /// placeholders; the token is never part of an error.
    init(config: ConfigReader, environment: EnvironmentReader) throws(ConfigError) {
        let defaults = OpenMetadataSettings()
        func key(_ name: String) -> [String] { ["openmetadata", name] }
        func invalid(_ name: String, _ expected: String, _ value: ConfigValue) -> ConfigError {
            .invalidValue(
                file: config.file(for: key(name)), key: "openmetadata.\(name)", expected: expected, got: value)
        }
        var url: String?
        if let text = try config.string(at: key("url"))?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(),
                scheme == "http" || scheme == "https", parsed.host?.isEmpty == false, parsed.query == nil
            else { throw invalid("url", "an http or https URL with a host", .string(text)) }
            url = text
        }
        let variable = try config.string(at: key("token_env")) ?? Self.defaultTokenVariable
        guard variable.range(of: "^[A-Za-z_][A-Za-z0-9_]{0,127}$", options: .regularExpression) != nil else {
            throw invalid("token_env", "an environment variable name", .string(variable))
        }
        var token = try config.string(at: key("token"))?.trimmingCharacters(in: .whitespacesAndNewlines)
        var source = "openmetadata.token"
        if token?.isEmpty ?? true {
            token = environment.string(variable)
            source = "$\(variable)"
        }
        var verifiesTLS = defaults.verifiesTLS
        if let flag = try config.value(at: key("verify_ssl")) {
            guard let value = flag.boolValue ?? flag.stringValue.flatMap(Self.flag) else {
                throw .typeMismatch(
                    file: config.file(for: key("verify_ssl")), key: "openmetadata.verify_ssl",
                    expected: "true or false",
                    got: flag)
            }
            verifiesTLS = value
        }
        let template = try config.string(at: key("fqn_template")) ?? defaults.fqnTemplate
        if let unknown = Self.placeholders(in: template).first(where: { !Self.fqnPlaceholders.contains($0) }) {
            let known = Self.fqnPlaceholders.sorted().map { "{\($0)}" }.joined(separator: ", ")
            throw invalid("fqn_template", "a template using only \(known) (not {\(unknown)})", .string(template))
        }
        var tables: [String: String] = [:]
        for (id, value) in try config.object(at: key("tables")) ?? [:] {
            guard let fqn = value.stringValue?.trimmingCharacters(in: .whitespaces), !fqn.isEmpty else {
                throw .typeMismatch(
                    file: config.file(for: key("tables")), key: "openmetadata.tables.\(id)",
                    expected: "a table's fully qualified name", got: value)
            }
            tables[id] = fqn
        }
        self.init(
            url: url, token: token?.isEmpty == false ? token : nil, tokenSource: source,
            dataProduct: try config.string(at: key("data_product"))?.trimmingCharacters(in: .whitespaces).nonEmpty,
            filterTag: try config.string(at: key("filter_tag"))?.trimmingCharacters(in: .whitespaces).nonEmpty,
            cacheTTLSeconds: try config.positiveInt(at: key("cache_ttl_seconds"), default: defaults.cacheTTLSeconds),
            verifiesTLS: verifiesTLS, fqnTemplate: template, tableFQNs: tables,
            timeoutSeconds: try config.positiveInt(at: key("timeout_seconds"), default: defaults.timeoutSeconds))
    }

    /// The names between braces in a template.
    static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    private static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "1", "on": true
        case "false", "no", "0", "off": false
        default: nil
        }
    }

    private static func trimmed(_ url: String) -> String {
        var url = url.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

extension String {
    /// Nil for the empty string.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
