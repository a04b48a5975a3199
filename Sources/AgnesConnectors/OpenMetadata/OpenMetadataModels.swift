import Foundation

// The parts of OpenMetadata's entities the catalog export reads, as its JSON schemas define them
// (`openmetadata-spec/…/entity/data/table.json`, `metric.json`, `type/tagLabel.json`,
// `type/entityReference.json`). Every other field is ignored, and every field here but a name is
// optional: fields come only when `fields=` asks for them, and servers of different versions differ.

/// A tag or glossary term on an entity or a column (`tagLabel.json`).
public struct OpenMetadataTagLabel: Sendable, Hashable, Decodable {
    /// `PII.Sensitive`, `Tier.Tier1`, `Glossary.Revenue`.
    public var tagFQN: String
    /// The tag's own name (the last part of the FQN).
    public var name: String?
    /// `Classification` or `Glossary`.
    public var source: String?
}

/// A reference to another entity: an owner (user or team), a data product, a domain (`entityReference.json`).
public struct OpenMetadataReference: Sendable, Hashable, Decodable {
    /// The entity's id.
    public var id: String?
    /// `user`, `team`, `dataProduct`, …
    public var type: String?
    /// Its name.
    public var name: String?
    /// Its fully qualified name.
    public var fullyQualifiedName: String?
    /// Its name for people.
    public var displayName: String?
}

/// One column of a table (`table.json#/definitions/column`).
public struct OpenMetadataColumn: Sendable, Hashable, Decodable {
    /// The column's local name.
    public var name: String
    /// `VARCHAR`, `BIGINT`, `DECIMAL`, `TIMESTAMP`, … (the schema's `dataType` enum).
    public var dataType: String?
    /// `varchar(255)`, `array<int>`, …
    public var dataTypeDisplay: String?
    /// Markdown (or, from the rich-text editor, HTML).
    public var description: String?
    /// Its fully qualified name.
    public var fullyQualifiedName: String?
    /// Its tags.
    public var tags: [OpenMetadataTagLabel]?
}

/// A table (`table.json`), as `GET /api/v1/tables/name/{fqn}?fields=columns,tags,owners,extension` answers.
public struct OpenMetadataTable: Sendable, Hashable, Decodable {
    /// The table's id.
    public var id: String?
    /// Its local name.
    public var name: String
    /// `service.database.schema.table`.
    public var fullyQualifiedName: String?
    /// Markdown or HTML.
    public var description: String?
    /// Its columns (with `fields=columns`).
    public var columns: [OpenMetadataColumn]?
    /// Its tags (with `fields=tags`).
    public var tags: [OpenMetadataTagLabel]?
    /// Its owners (with `fields=owners`; servers before 1.4 answer one `owner` instead).
    public var owners: [OpenMetadataReference]?
    /// Custom properties (with `fields=extension`); the original read a tier from `tier` or `Tier`.
    public var tier: String?
    /// True when soft-deleted.
    public var deleted: Bool?

    enum CodingKeys: String, CodingKey {
        case id, name, fullyQualifiedName, description, columns, tags, owners, owner, deleted
        case customProperties = "extension"
    }

    struct CustomProperties: Decodable {
        var tier: String?

        enum CodingKeys: String, CodingKey {
            case tier
            case capitalTier = "Tier"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            tier =
                (try? container.decodeIfPresent(String.self, forKey: .tier))
                ?? (try? container.decodeIfPresent(String.self, forKey: .capitalTier))
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        fullyQualifiedName = try container.decodeIfPresent(String.self, forKey: .fullyQualifiedName)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        columns = try container.decodeIfPresent([OpenMetadataColumn].self, forKey: .columns)
        tags = try container.decodeIfPresent([OpenMetadataTagLabel].self, forKey: .tags)
        owners =
            try container.decodeIfPresent([OpenMetadataReference].self, forKey: .owners)
            ?? container.decodeIfPresent(OpenMetadataReference.self, forKey: .owner).map { [$0] }
        tier = (try? container.decodeIfPresent(CustomProperties.self, forKey: .customProperties))?.tier
        deleted = try container.decodeIfPresent(Bool.self, forKey: .deleted)
    }
}

/// How a metric is computed (`metric.json#/definitions/metricExpression`).
public struct OpenMetadataMetricExpression: Sendable, Hashable, Decodable {
    /// `SQL`, `Java`, `JavaScript`, `Python` or `External`.
    public var language: String?
    /// The code.
    public var code: String?
}

/// A metric (`metric.json`), as `GET /api/v1/metrics/name/{fqn}?fields=tags,owners,dataProducts` answers.
public struct OpenMetadataMetric: Sendable, Hashable, Decodable {
    /// The metric's id.
    public var id: String?
    /// Its name (globally unique).
    public var name: String
    /// Its fully qualified name (the name, for a metric).
    public var fullyQualifiedName: String?
    /// Its name for people.
    public var displayName: String?
    /// Markdown or HTML.
    public var description: String?
    /// How it is computed.
    public var metricExpression: OpenMetadataMetricExpression?
    /// `COUNT`, `SUM`, `AVERAGE`, `RATIO`, … (the schema's `metricType` enum).
    public var metricType: String?
    /// `COUNT`, `DOLLARS`, `PERCENTAGE`, …, or `OTHER` with ``customUnitOfMeasurement``.
    public var unitOfMeasurement: String?
    /// The unit when ``unitOfMeasurement`` is `OTHER`.
    public var customUnitOfMeasurement: String?
    /// `SECOND` … `YEAR`.
    public var granularity: String?
    /// Its tags.
    public var tags: [OpenMetadataTagLabel]?
    /// Its owners.
    public var owners: [OpenMetadataReference]?
    /// The data products it belongs to.
    public var dataProducts: [OpenMetadataReference]?
    /// True when soft-deleted.
    public var deleted: Bool?
}

/// What discovery needs of a metric before reading it whole: from a page of `GET /api/v1/metrics` or a
/// hit of `GET /api/v1/search/query`.
public struct OpenMetadataMetricSummary: Sendable, Hashable, Decodable {
    /// Its name.
    public var name: String
    /// Its fully qualified name.
    public var fullyQualifiedName: String?
    /// Its tags.
    public var tags: [OpenMetadataTagLabel]?
    /// The data products it belongs to.
    public var dataProducts: [OpenMetadataReference]?

    /// What to read it by: its FQN, else its name.
    public var fqn: String { fullyQualifiedName ?? name }
}

/// A page of a list endpoint: `{"data": [...], "paging": {"after": …, "total": …}}`.
struct OpenMetadataPage<Entity: Decodable>: Decodable {
    struct Paging: Decodable {
        var after: String?
        var before: String?
        var total: Int?
    }

    var data: [Entity]
    var paging: Paging?
}

/// The Elasticsearch answer `GET /api/v1/search/query` passes through:
/// `{"hits": {"total": {"value": …}, "hits": [{"_source": {...}}]}}`.
struct OpenMetadataSearchResponse<Source: Decodable>: Decodable {
    struct Hits: Decodable {
        var hits: [Hit]
    }

    struct Hit: Decodable {
        var source: Source

        enum CodingKeys: String, CodingKey {
            case source = "_source"
        }
    }

    var hits: Hits
}

/// OpenMetadata's error body: `{"code": 404, "message": "…"}` (newer servers add `errorType`).
struct OpenMetadataErrorBody: Decodable {
    var code: Int?
    var message: String?
    var errorType: String?

    /// The message of an error body, nil when it is not one.
    static func summary(of data: Data) -> String? {
        guard let body = try? JSONDecoder().decode(Self.self, from: data), let message = body.message,
            !message.isEmpty
        else { return nil }
        return message.count > 300 ? String(message.prefix(300)) + "…" : message
    }
}
