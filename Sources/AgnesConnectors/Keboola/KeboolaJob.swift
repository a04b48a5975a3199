import Foundation

/// A storage job (`GET /v2/storage/jobs/{id}`).
public struct KeboolaJob: Sendable, Hashable, Decodable {
    /// Job id.
    public var id: Int64
    /// `waiting`, `processing`, `success` or `error`.
    public var status: String
    /// The exported file's id, on success.
    public var fileID: Int64?
    /// When Keboola created the job (server clock).
    public var createdTime: String?
    /// When it started (server clock).
    public var startTime: String?
    /// Keboola's message for a failed job.
    public var errorMessage: String?

    /// Whether the job has ended.
    public var isFinished: Bool { status == "success" || status == "error" }

    enum CodingKeys: String, CodingKey { case id, status, results, createdTime, startTime, error }
    enum ResultKeys: String, CodingKey { case file }
    enum FileKeys: String, CodingKey { case id }
    enum ErrorKeys: String, CodingKey { case message, code }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try container.decodeLenientInt(forKey: .id) else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "job id missing")
        }
        self.id = id
        status = try container.decode(String.self, forKey: .status)
        if let results = try? container.nestedContainer(keyedBy: ResultKeys.self, forKey: .results),
            let file = try? results.nestedContainer(keyedBy: FileKeys.self, forKey: .file)
        {
            fileID = try file.decodeLenientInt(forKey: .id)
        }
        createdTime = try? container.decodeIfPresent(String.self, forKey: .createdTime)
        startTime = try? container.decodeIfPresent(String.self, forKey: .startTime)
        if let error = try? container.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error) {
            let message = try? error.decodeIfPresent(String.self, forKey: .message)
            let code = try? error.decodeIfPresent(String.self, forKey: .code)
            errorMessage = [message ?? nil, code.flatMap { $0 }.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        } else if let message = try? container.decodeIfPresent(String.self, forKey: .error) {
            errorMessage = message
        }
    }
}
