import Foundation

/// A column of a ``FakeOpenMetadataTable``.
public struct FakeOpenMetadataColumn: Sendable, Hashable {
    public var name: String
    /// A value of the schema's `dataType` enum (`VARCHAR`, `BIGINT`, `DECIMAL`, `TIMESTAMP`, …).
    public var dataType: String
    public var description: String?
    /// Tag FQNs (`PII.Sensitive`).
    public var tags: [String]

    public init(name: String, dataType: String = "VARCHAR", description: String? = nil, tags: [String] = []) {
        self.name = name
        self.dataType = dataType
        self.description = description
        self.tags = tags
    }
}

/// A table the fake serves.
public struct FakeOpenMetadataTable: Sendable, Hashable {
    /// `service.database.schema.table`; its last part is the name.
    public var fqn: String
    public var description: String?
    public var columns: [FakeOpenMetadataColumn]
    /// Tag FQNs (`Tier.Tier1`, `PII.Sensitive`).
    public var tags: [String]
    /// Owner names (users).
    public var owners: [String]
    /// Custom properties (`extension`).
    public var customProperties: [String: String]

    public init(
        fqn: String, description: String? = nil, columns: [FakeOpenMetadataColumn] = [], tags: [String] = [],
        owners: [String] = [], customProperties: [String: String] = [:]
    ) {
        self.fqn = fqn
        self.description = description
        self.columns = columns
        self.tags = tags
        self.owners = owners
        self.customProperties = customProperties
    }
}

/// A metric the fake serves (its FQN is its name).
public struct FakeOpenMetadataMetric: Sendable, Hashable {
    public var name: String
    public var displayName: String?
    public var description: String?
    /// `SQL`, `Python`, …; nil with `code` nil leaves `metricExpression` out.
    public var language: String?
    public var code: String?
    /// `SUM`, `COUNT`, …
    public var metricType: String?
    /// `DOLLARS`, `COUNT`, …, or `OTHER` with `customUnit`.
    public var unit: String?
    public var customUnit: String?
    /// `DAY`, `MONTH`, …
    public var granularity: String?
    /// Tag FQNs (`MetricCategory.finance`, `AIAgent.Analyst`).
    public var tags: [String]
    public var owners: [String]
    /// Names of the data products it belongs to.
    public var dataProducts: [String]

    public init(
        name: String, displayName: String? = nil, description: String? = nil, language: String? = "SQL",
        code: String? = nil, metricType: String? = nil, unit: String? = nil, customUnit: String? = nil,
        granularity: String? = nil, tags: [String] = [], owners: [String] = [], dataProducts: [String] = []
    ) {
        self.name = name
        self.displayName = displayName
        self.description = description
        self.language = language
        self.code = code
        self.metricType = metricType
        self.unit = unit
        self.customUnit = customUnit
        self.granularity = granularity
        self.tags = tags
        self.owners = owners
        self.dataProducts = dataProducts
    }
}

/// A failure ``FakeOpenMetadata`` answers the next requests of a path with.
public enum FakeOpenMetadataFailure: Sendable, Hashable {
    /// This status, with `Retry-After` when set, and OpenMetadata's error body (or `body` as given).
    case status(Int, retryAfter: Int? = nil, body: String? = nil)
    /// 200 with a body that is not the documented JSON.
    case malformed
}

/// One request the fake received.
public struct FakeOpenMetadataRequest: Sendable, Hashable {
    public var method: String
    /// The path as sent (still percent-encoded).
    public var path: String
    /// The query parameters, decoded.
    public var query: [String: String]
    /// The `Authorization` header.
    public var authorization: String?
}

/// The entities as the API renders them.
enum FakeOpenMetadataJSON {
    /// A stable UUID-shaped id derived from `text`.
    static func id(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let digits = String(hash, radix: 16)
        let hex = String(repeating: "0", count: 16 - digits.count) + digits
        return
            "\(hex.prefix(8))-\(hex.dropFirst(8).prefix(4))-4\(hex.dropFirst(12).prefix(3))-8\(hex.dropFirst(13).prefix(3))-"
            + hex.prefix(12)
    }

    static func tagLabels(_ fqns: [String]) -> [[String: Any]] {
        fqns.map { fqn in
            [
                "tagFQN": fqn, "name": String(fqn.split(separator: ".").last ?? ""), "source": "Classification",
                "labelType": "Manual", "state": "Confirmed",
            ]
        }
    }

    static func reference(_ name: String, type: String) -> [String: Any] {
        [
            "id": id("\(type):\(name)"), "type": type, "name": name, "fullyQualifiedName": name, "displayName": name,
            "deleted": false,
        ]
    }

    static func table(_ table: FakeOpenMetadataTable, fields: Set<String>) -> [String: Any] {
        var object: [String: Any] = [
            "id": id(table.fqn), "name": String(table.fqn.split(separator: ".").last ?? ""),
            "fullyQualifiedName": table.fqn, "tableType": "Regular", "version": 0.1, "deleted": false,
            "href": "http://localhost/api/v1/tables/\(id(table.fqn))",
        ]
        if let description = table.description { object["description"] = description }
        if fields.contains("columns") {
            object["columns"] = table.columns.enumerated().map { index, column -> [String: Any] in
                var entry: [String: Any] = [
                    "name": column.name, "dataType": column.dataType, "dataTypeDisplay": column.dataType.lowercased(),
                    "fullyQualifiedName": "\(table.fqn).\(column.name)", "ordinalPosition": index + 1,
                ]
                if let description = column.description { entry["description"] = description }
                if fields.contains("tags") { entry["tags"] = tagLabels(column.tags) }
                return entry
            }
        }
        if fields.contains("tags") { object["tags"] = tagLabels(table.tags) }
        if fields.contains("owners") { object["owners"] = table.owners.map { reference($0, type: "user") } }
        if fields.contains("extension"), !table.customProperties.isEmpty {
            object["extension"] = table.customProperties
        }
        return object
    }

    static func metric(_ metric: FakeOpenMetadataMetric, fields: Set<String>) -> [String: Any] {
        var object: [String: Any] = [
            "id": id(metric.name), "name": metric.name, "fullyQualifiedName": metric.name, "version": 0.1,
            "deleted": false, "href": "http://localhost/api/v1/metrics/\(id(metric.name))",
        ]
        if let displayName = metric.displayName { object["displayName"] = displayName }
        if let description = metric.description { object["description"] = description }
        if metric.code != nil || metric.language != nil {
            var expression: [String: Any] = [:]
            if let language = metric.language { expression["language"] = language }
            if let code = metric.code { expression["code"] = code }
            object["metricExpression"] = expression
        }
        if let type = metric.metricType { object["metricType"] = type }
        if let unit = metric.unit { object["unitOfMeasurement"] = unit }
        if let custom = metric.customUnit { object["customUnitOfMeasurement"] = custom }
        if let granularity = metric.granularity { object["granularity"] = granularity }
        if fields.contains("tags") { object["tags"] = tagLabels(metric.tags) }
        if fields.contains("owners") { object["owners"] = metric.owners.map { reference($0, type: "user") } }
        if fields.contains("dataProducts") {
            object["dataProducts"] = metric.dataProducts.map { reference($0, type: "dataProduct") }
        }
        return object
    }
}
