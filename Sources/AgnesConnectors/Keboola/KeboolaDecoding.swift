import Foundation

/// Keboola's error envelope: `{"error": "…", "code": "storage.tokenInvalid", "status": "error"}`.
struct KeboolaErrorEnvelope: Decodable {
    var error: String?
    var code: String?
    var message: String?
    var reason: String?
    /// The Query Service's `{"exception","exceptionId","context"}`.
    var exception: String?

    enum CodingKeys: String, CodingKey { case error, code, message, reason, exception }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        error = try? container.decodeIfPresent(String.self, forKey: .error)
        code = try container.decodeLenientString(forKey: .code)
        message = try? container.decodeIfPresent(String.self, forKey: .message)
        reason = try? container.decodeIfPresent(String.self, forKey: .reason)
        exception = try? container.decodeIfPresent(String.self, forKey: .exception)
    }

    /// `Invalid access token (storage.tokenInvalid)`, or nil when the body says nothing.
    static func summary(of body: Data) -> String? {
        guard let envelope = try? JSONDecoder().decode(KeboolaErrorEnvelope.self, from: body) else { return nil }
        guard let text = envelope.error ?? envelope.exception ?? envelope.message ?? envelope.reason else { return nil }
        return envelope.code.map { "\(text) (\($0))" } ?? text
    }
}

extension KeyedDecodingContainer {
    /// A string that Keboola sometimes writes as a number.
    func decodeLenientString(forKey key: Key) throws -> String? {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return text }
        if let number = try? decodeIfPresent(Int64.self, forKey: key) { return String(number) }
        if let number = try? decodeIfPresent(Double.self, forKey: key) { return String(number) }
        return nil
    }

    /// A number that Keboola sometimes writes as a string.
    func decodeLenientInt(forKey key: Key) throws -> Int64? {
        if let number = try? decodeIfPresent(Int64.self, forKey: key) { return number }
        if let text = try? decodeIfPresent(String.self, forKey: key) { return Int64(text) }
        if let number = try? decodeIfPresent(Double.self, forKey: key) { return Int64(number) }
        return nil
    }
}
