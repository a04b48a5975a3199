import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension AgnesAPI {
    /// `GET path` decoded as `T`.
    public func get<T: Decodable>(_ path: String, query: [(String, String)] = [], as type: T.Type = T.self)
        async throws -> T
    {
        try await send(request(.GET, path, query: query)).decode(T.self)
    }

    /// `method path` with a JSON body, decoded as `T`.
    public func send<T: Decodable>(
        _ method: HTTPMethod, _ path: String, json body: some Encodable, as type: T.Type = T.self
    ) async throws -> T {
        try await send(jsonRequest(method, path, body: body)).decode(T.self)
    }

    /// `method path` with a JSON body (or none), ignoring the answer's body.
    public func perform(_ method: HTTPMethod, _ path: String, json body: (any Encodable & Sendable)? = nil)
        async throws
    {
        if let body {
            try await send(jsonRequest(method, path, body: body))
        } else {
            try await send(request(method, path))
        }
    }

    /// A request whose body is `body` as JSON.
    public func jsonRequest(_ method: HTTPMethod, _ path: String, body: some Encodable) throws -> HTTPClientRequest {
        var request = request(method, path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(body) } catch {
            throw ClientError(.usage, "could not encode the request: \(error)")
        }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: data))
        return request
    }

    /// A `multipart/form-data` request with one file field `field`.
    public func multipartRequest(_ path: String, field: String, filename: String, content: Data) -> HTTPClientRequest {
        let boundary = "agnes-\(UUID().uuidString)"
        var request = request(.POST, path)
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        let safeName = filename.replacingOccurrences(of: "\"", with: "_").replacingOccurrences(of: "\r", with: "_")
            .replacingOccurrences(of: "\n", with: "_")
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\n")
        body.writeString("Content-Disposition: form-data; name=\"\(field)\"; filename=\"\(safeName)\"\r\n")
        body.writeString("Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(content)
        body.writeString("\r\n--\(boundary)--\r\n")
        request.body = .bytes(body)
        return request
    }
}

/// An empty JSON object, for POSTs without parameters.
public struct EmptyBody: Codable, Sendable {
    /// Creates it.
    public init() {}
}
