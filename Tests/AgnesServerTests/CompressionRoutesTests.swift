import AgnesServer
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Gzip through the whole server: JSON answers are compressed, parquet downloads never are.
@Suite struct CompressionRoutesTests {
    static let gzip: HTTPFields = [.acceptEncoding: "gzip"]

    @Test func aLargeJSONAnswerIsGzippedAndDecodesToThePlainOne() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            let plain = try await client.executeRequest(uri: "/openapi.json", method: .get, headers: [:], body: nil)
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(plain.body.readableBytes >= 1024)
            let gzipped = try await client.executeRequest(
                uri: "/openapi.json", method: .get, headers: Self.gzip, body: nil)
            #expect(gzipped.status == .ok)
            #expect(gzipped.headers[.contentEncoding] == "gzip")
            #expect(gzipped.headers[.vary]?.lowercased().contains("accept-encoding") == true)
            #expect(gzipped.headers[.contentLength] == String(gzipped.body.readableBytes))
            #expect(gzipped.body.readableBytes < plain.body.readableBytes / 3)
            #expect(try Gunzip.decode(gzipped.body) == Array(plain.body.readableBytesView))
            // The server's own headers survive.
            #expect(gzipped.headers[HTTPField.Name("x-request-id")!] != nil)
            #expect(gzipped.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        }
    }

    @Test func smallAnswersAreNot() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/api/version", method: .get, headers: Self.gzip, body: nil)
            #expect(response.status == .ok)
            #expect(response.body.readableBytes < 1024)
            #expect(response.headers[.contentEncoding] == nil)
        }
    }

    /// Parquet downloads stay byte-identical for `Range`, `If-Range` and the client's hash check.
    @Test func parquetDownloadsAndTheirRangesAreNeverCompressed() async throws {
        let fixture = try await ServerFixture.fast()
        let rows =
            "order_id,amount,note\n" + (1...3000).map { "\($0),\(Double($0) * 1.25),same note" }.joined(separator: "\n")
        try await fixture.publishLocal(["orders.csv": rows])
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            let full = try await client.raw(.get, "/api/data/orders/download", as: ana, headers: Self.gzip)
            #expect(full.status == .ok)
            #expect(full.bytes.count >= 1024)
            #expect(full.headers[.contentEncoding] == nil)
            #expect(full.headers[.vary] == nil)
            #expect(full.headers[.contentLength] == String(full.bytes.count))
            let md5 = Insecure.MD5.hash(data: full.bytes).map { String(format: "%02x", $0) }.joined()
            #expect(full.headers[.eTag] == "\"\(md5)\"")  // still strong

            let part = try await client.raw(
                .get, "/api/data/orders/download", as: ana, headers: Self.gzip + [.range: "bytes=100-1299"])
            #expect(part.status == .partialContent)
            #expect(part.headers[.contentEncoding] == nil)
            #expect(part.bytes == Array(full.bytes[100...1299]))

            let head = try await client.raw(.head, "/api/data/orders/download", as: ana, headers: Self.gzip)
            #expect(head.headers[.contentEncoding] == nil)
            #expect(head.headers[.contentLength] == String(full.bytes.count))
        }
    }
}

extension HTTPFields {
    fileprivate static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var fields = lhs
        fields.append(contentsOf: rhs)
        return fields
    }
}
