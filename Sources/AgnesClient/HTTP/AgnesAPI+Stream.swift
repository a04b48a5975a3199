import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension AgnesAPI {
    /// Sends `request` and streams a 2xx answer's body into `file` (created or truncated; 0600), chunk
    /// by chunk, never holding it in memory; returns the bytes written. A non-2xx answer throws its
    /// error (the body read up to 1 MiB for its `detail`); a broken transfer, or fewer bytes than the
    /// `Content-Length` promised, is `server_unreachable`. Returns the bytes and the answer's headers.
    public func download(_ request: HTTPClientRequest, to file: URL, timeout: TimeAmount) async throws -> (
        bytes: Int64, headers: HTTPHeaders
    ) {
        let label = "\(request.method.rawValue) \(Self.path(of: request.url, server: server))"
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout)
        } catch {
            throw ClientError.transport(error, server: server, request: label)
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data(buffer: $0) } ?? Data()
            throw ClientError.http(
                APIResponse(status: Int(response.status.code), headers: response.headers, body: body, request: label))
        }
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ClientError(.io, "cannot write \(file.path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var written: Int64 = 0
        do {
            for try await chunk in response.body {
                try chunk.withUnsafeReadableBytes { try AtomicFile.writeAll(descriptor, $0, path: file.path) }
                written += Int64(chunk.readableBytes)
            }
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError.transport(error, server: server, request: label)
        }
        if let expected = response.headers.first(name: "Content-Length").flatMap(Int64.init), expected != written {
            throw ClientError(
                .unreachable, "the server closed \(label) after \(written) of \(expected) bytes",
                hint: "try again; agnes diagnose checks the server")
        }
        return (written, response.headers)
    }
}

extension AgnesAPI {
    /// `POST /api/v2/scan/estimate` with `body`.
    public func scanEstimate<T: Decodable>(_ body: some Encodable, as type: T.Type = T.self) async throws -> T {
        try await send(.POST, "/api/v2/scan/estimate", json: body)
    }

    /// `POST /api/v2/scan` with `body`, the Arrow stream written to `file`; whether the server trimmed it.
    public func scan(_ body: some Encodable, to file: URL) async throws -> (bytes: Int64, isTruncated: Bool) {
        let answer = try await download(jsonRequest(.POST, "/api/v2/scan", body: body), to: file, timeout: .hours(1))
        return (answer.bytes, answer.headers.first(name: "X-Agnes-Truncated") == "true")
    }
}
