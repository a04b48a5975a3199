/// A Storage API error answer: the status and the envelope's `code` and `error` message (research §1.3).
struct KeboolaAPIError: Error, Equatable {
    let status: Int
    let code: String
    let message: String

    /// `400 storage.tables.validation`, the code of Keboola's parameter validation errors.
    static func validation(_ message: String, code: String = "storage.tables.validation") -> KeboolaAPIError {
        KeboolaAPIError(status: 400, code: code, message: message)
    }

    static let invalidToken = KeboolaAPIError(
        status: 401, code: "storage.tokenInvalid", message: "Invalid access token")

    static func notFound(_ message: String, code: String) -> KeboolaAPIError {
        KeboolaAPIError(status: 404, code: code, message: message)
    }
}
