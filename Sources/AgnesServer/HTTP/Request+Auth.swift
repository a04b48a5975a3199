import AgnesAuth
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension AgnesServices {
    /// The authenticated caller, or an `APIError` with the wire detail (401/403).
    func caller(_ request: Request, _ context: AgnesRequestContext) async throws -> AuthenticatedUser {
        let bearer = request.bearerToken
        do {
            // A bearer header always wins over the cookie (the CSRF check relies on it). The cookie and
            // the client address are only read when needed.
            return try await auth.authenticator.authenticate(
                bearer: bearer, cookie: bearer == nil ? request.cookies["access_token"]?.value : nil,
                clientIP: { [resolver = rateLimiter.resolver] in resolver.address(of: request, context: context) })
        } catch let error as AuthError {
            throw APIError(HTTPResponse.Status(code: error.status), error.detail)
        }
    }

    /// The caller, who must be an admin (403 `Admin access required` otherwise).
    func admin(_ request: Request, _ context: AgnesRequestContext) async throws -> AuthenticatedUser {
        let user = try await caller(request, context)
        guard user.isAdmin else { throw APIError(.forbidden, AuthError.adminRequired.detail) }
        return user
    }
}

extension Request {
    /// The token of an `Authorization: Bearer …` header, if any.
    var bearerToken: String? {
        guard let header = headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
    }

    /// The body, up to `limit` bytes: 413 past it, and at once when `Content-Length` announces more,
    /// so a client that declares a huge body and sends nothing is answered rather than waited for.
    func collectBody(upTo limit: Int) async throws -> ByteBuffer {
        if let declared = declaredContentLength, declared > limit { throw Self.bodyTooLarge(limit) }
        do { return try await body.collect(upTo: limit) } catch let error as HTTPError
        where error.status == .contentTooLarge { throw Self.bodyTooLarge(limit) }
    }

    /// The `Content-Length` the client declared, if any.
    var declaredContentLength: Int? {
        headers[.contentLength].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    static func bodyTooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "Request body too large (at most \(limit) bytes)")
    }

    /// Decodes a JSON body, answering 422 with a clear detail when it is not the expected shape.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: AgnesRequestContext) async throws -> T {
        try Self.decodeJSON(T.self, from: try await collectBody(upTo: context.maxUploadSize))
    }

    /// Decodes a collected JSON body, with the errors of ``decodeJSON(_:context:)``.
    static func decodeJSON<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(.unprocessableContent, "field required: \(key.stringValue)")
        } catch let DecodingError.typeMismatch(_, detail) {
            throw APIError(
                .unprocessableContent,
                "invalid type for \(detail.codingPath.map(\.stringValue).joined(separator: ".")): \(detail.debugDescription)"
            )
        } catch let DecodingError.valueNotFound(_, detail) {
            throw APIError(
                .unprocessableContent, "field required: \(detail.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw APIError(.unprocessableContent, "the body is not valid JSON")
        }
    }
}

extension Request {
    /// The fields of an `application/x-www-form-urlencoded` body (also accepting a JSON object of
    /// strings, which scripts send); missing fields are simply absent.
    func formFields(context: AgnesRequestContext) async throws -> [String: String] {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        let text = String(buffer: buffer)
        if headers[.contentType]?.lowercased().hasPrefix("application/json") == true {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw APIError(.unprocessableContent, "the body is not valid JSON")
            }
            return object.compactMapValues { $0 as? String }
        }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }
}
