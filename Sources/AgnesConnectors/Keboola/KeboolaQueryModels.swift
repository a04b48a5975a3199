import Foundation

/// The Storage API index (`GET /v2/storage`): the addresses of the stack's other services.
struct KeboolaServiceIndex: Decodable, Sendable {
    struct Service: Decodable, Sendable {
        var id: String
        var url: String
    }

    var services: [Service]
}

/// A development branch (`GET /v2/storage/dev-branches/`); the project's main branch is `isDefault`.
struct KeboolaBranch: Decodable, Sendable {
    var id: Int64
    var isDefault: Bool

    enum CodingKeys: String, CodingKey { case id, isDefault }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeLenientInt(forKey: .id) ?? 0
        isDefault = (try? container.decodeIfPresent(Bool.self, forKey: .isDefault)) ?? false
    }
}

/// A Storage workspace (`POST /v2/storage/workspaces`): only its id matters here.
struct KeboolaWorkspace: Decodable, Sendable {
    var id: Int64

    enum CodingKeys: String, CodingKey { case id }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try container.decodeLenientInt(forKey: .id) else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "no workspace id")
        }
        self.id = id
    }
}

/// The Query Service's answer to a submitted job.
struct KeboolaQuerySubmission: Decodable, Sendable {
    var queryJobId: String
}

/// A Query Service job (`GET /api/v1/queries/{id}`): `created|enqueued|processing` until it ends
/// `completed|failed|canceled`.
struct KeboolaQueryJob: Decodable, Sendable {
    struct Statement: Decodable, Sendable {
        var id: String
        var status: String
        var error: String?
        var numberOfRows: Int64?
    }

    var queryJobId: String
    var status: String
    var statements: [Statement]
    var cancellationReason: String?

    /// Whether the job has ended.
    var hasEnded: Bool { ["completed", "failed", "canceled"].contains(status) }
}

/// One page of a statement's result: typed columns and rows of text cells (`null` for NULL).
struct KeboolaQueryPage: Decodable, Sendable {
    struct Column: Decodable, Sendable {
        var name: String
        var type: String
        var nullable: Bool?
        var length: Int?
    }

    var status: String?
    var columns: [Column]
    var data: [[String?]]
    var numberOfRows: Int64?

    enum CodingKeys: String, CodingKey { case status, columns, data, numberOfRows }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        columns = try container.decodeIfPresent([Column].self, forKey: .columns) ?? []
        numberOfRows = try container.decodeLenientInt(forKey: .numberOfRows)
        // Cells are strings or null; numbers and booleans are taken as their text, in case a backend sends them.
        let rows = try container.decodeIfPresent([[Cell]].self, forKey: .data) ?? []
        data = rows.map { $0.map(\.text) }
    }

    /// A cell of any JSON scalar.
    struct Cell: Decodable {
        var text: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                text = nil
            } else if let string = try? container.decode(String.self) {
                text = string
            } else if let bool = try? container.decode(Bool.self) {
                text = bool ? "true" : "false"
            } else if let integer = try? container.decode(Int64.self) {
                text = String(integer)
            } else {
                text = String(try container.decode(Double.self))
            }
        }
    }
}
