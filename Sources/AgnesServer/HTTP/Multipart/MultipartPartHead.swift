import Foundation

/// The headers of one part of a `multipart/form-data` body, as far as a form needs them: the field
/// `name` and `filename` from `Content-Disposition`, and the part's `Content-Type`.
///
/// `filename*` (RFC 5987, `UTF-8''percent-encoded`) wins over `filename` when both are present. The
/// filename is returned as the client sent it; making it safe to use on disk is the caller's job.
struct MultipartPartHead: Sendable, Equatable {
    /// The form field's name, nil when the part has none.
    var name: String?
    /// The uploaded file's name as sent, nil when the part is not a file (or names none).
    var filename: String?
    /// The part's media type, nil when absent.
    var contentType: String?

    /// Creates a head from its fields.
    init(name: String? = nil, filename: String? = nil, contentType: String? = nil) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
    }

    /// Parses a header block: lines separated by CRLF, each `Name: value`; unknown headers are ignored.
    init(parsing block: String) throws(APIError) {
        self.init()
        for line in block.components(separatedBy: "\r\n") where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw MultipartFormReader.malformed("a part header has no ':'")
            }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = String(line[line.index(after: colon)...])
            switch field {
            case "content-disposition":
                let disposition = HeaderValue(value)
                name = disposition.parameters["name"]
                filename =
                    disposition.parameters["filename*"].flatMap(Self.extendedValue)
                    ?? disposition.parameters["filename"]
            case "content-type":
                contentType = value.trimmingCharacters(in: .whitespaces)
            default:
                continue
            }
        }
    }

    /// The text of an RFC 5987 extended value (`charset'language'percent-encoded`), nil when malformed.
    static func extendedValue(_ text: String) -> String? {
        let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        return String(pieces[2]).removingPercentEncoding
    }
}
