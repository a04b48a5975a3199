import Foundation
import NIOCore
import NIOHTTP1

/// The answer of the upload routes.
public struct UploadReceipt: Decodable, Sendable {
    /// `ok`.
    public var status: String?
    /// The stored file name.
    public var filename: String?
    /// Bytes stored.
    public var size: Int64?
}

extension AgnesAPI {
    /// `GET /api/welcome?server_url=`: the analyst's CLAUDE.md, rendered by the server.
    public func welcome(serverURL: String) async throws -> String {
        struct Welcome: Decodable { let content: String }
        return try await get("/api/welcome", query: [("server_url", serverURL)], as: Welcome.self).content
    }

    /// `POST /api/upload/sessions` (multipart `file`).
    public func uploadSession(filename: String, content: Data) async throws -> UploadReceipt {
        let request = multipartRequest("/api/upload/sessions", field: "file", filename: filename, content: content)
        return try await send(request, timeout: .seconds(300)).decode()
    }

    /// `POST /api/upload/local-md {content}`.
    public func uploadLocalNotes(_ content: String) async throws -> UploadReceipt {
        struct Body: Encodable { let content: String }
        return try await send(.POST, "/api/upload/local-md", json: Body(content: content))
    }
}
