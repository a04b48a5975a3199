import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// A `multipart/form-data` body built for tests.
struct MultipartBody {
    /// One part: its raw header lines and content.
    struct Part {
        var headers: [String]
        var content: [UInt8]
    }

    var boundary = "agnes-test-boundary-7MA4YWxkTrZu0gW"
    var parts: [Part] = []

    /// A body with one file part.
    static func file(
        _ field: String = "file", filename: String? = "report.html", content: some Sequence<UInt8>,
        contentType: String = "application/octet-stream"
    ) -> MultipartBody {
        var body = MultipartBody()
        body.addFile(field, filename: filename, content: content, contentType: contentType)
        return body
    }

    /// Adds a file part (no `filename` parameter when `filename` is nil).
    mutating func addFile(
        _ field: String = "file", filename: String?, content: some Sequence<UInt8>,
        contentType: String = "application/octet-stream"
    ) {
        let disposition =
            "Content-Disposition: form-data; name=\"\(field)\"" + (filename.map { "; filename=\"\($0)\"" } ?? "")
        parts.append(Part(headers: [disposition, "Content-Type: \(contentType)"], content: Array(content)))
    }

    /// Adds a plain text field.
    mutating func addField(_ name: String, _ value: String) {
        parts.append(Part(headers: ["Content-Disposition: form-data; name=\"\(name)\""], content: Array(value.utf8)))
    }

    /// The `Content-Type` header value.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The encoded body.
    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        for part in parts {
            bytes += Array("--\(boundary)\r\n".utf8)
            for header in part.headers { bytes += Array("\(header)\r\n".utf8) }
            bytes += Array("\r\n".utf8)
            bytes += part.content
            bytes += Array("\r\n".utf8)
        }
        bytes += Array("--\(boundary)--\r\n".utf8)
        return bytes
    }
}

extension TestClientProtocol {
    /// Sends raw bytes with a content type and an optional bearer token.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, as token: String?, contentType: String, bytes: [UInt8]
    ) async throws -> Reply {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await executeRequest(
            uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: bytes))
        let data = Data(response.body.readableBytesView)
        return Reply(status: response.status, json: data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }

    /// Posts a multipart form.
    func upload(_ uri: String, as token: String?, _ body: MultipartBody) async throws -> Reply {
        try await send(.post, uri, as: token, contentType: body.contentType, bytes: body.bytes)
    }
}
