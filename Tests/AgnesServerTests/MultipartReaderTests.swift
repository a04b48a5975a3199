import DuckDB
import Foundation
import NIOCore
import Testing

@testable import AgnesServer

/// The streaming multipart reader: parts split anywhere across buffers, limits, malformed bodies.
@Suite struct MultipartReaderTests {
    static let body = Array(
        """
        ignored preamble\r
        --XyZ\r
        Content-Disposition: form-data; name="table_name"\r
        \r
        orders\r
        --XyZ\r
        Content-Disposition: form-data; name="file"; filename="orders.csv"\r
        Content-Type: text/csv\r
        \r
        a,b\r
        --XyZ-not-a-boundary\r
        1,2\r
        --XyZ--\r
        epilogue
        """.utf8)

    static func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("agnes-multipart-\(UUID().uuidString)")
    }

    static func read(_ body: [UInt8], chunk: Int, maxBytes: Int = 1 << 20, boundary: String = "XyZ") async throws
        -> MultipartReader.Form
    {
        let reader = try MultipartReader(
            contentType: "multipart/form-data; boundary=\"\(boundary)\"", directory: directory())
        let chunks = stride(from: 0, to: body.count, by: chunk).map {
            ByteBuffer(bytes: body[$0..<min($0 + chunk, body.count)])
        }
        return try await reader.read(chunks.async, maxBytes: maxBytes)
    }

    @Test(arguments: [1, 2, 3, 7, 64, 100_000])
    func partsSurviveAnySplit(chunk: Int) async throws {
        let form = try await Self.read(Self.body, chunk: chunk)
        defer { form.removeFiles() }
        #expect(form.fields == ["table_name": "orders"])
        let file = try #require(form.files.first)
        #expect(file.field == "file" && file.filename == "orders.csv" && file.contentType == "text/csv")
        let content = try String(contentsOf: file.file, encoding: .utf8)
        #expect(content == "a,b\r\n--XyZ-not-a-boundary\r\n1,2")
        #expect(file.size == content.utf8.count)
    }

    @Test func refusals() async throws {
        #expect(throws: MultipartReader.Failure.notMultipart) {
            try MultipartReader(contentType: "application/json", directory: Self.directory())
        }
        #expect(throws: MultipartReader.Failure.malformed("no multipart boundary")) {
            try MultipartReader(contentType: "multipart/form-data", directory: Self.directory())
        }
        await #expect(throws: MultipartReader.Failure.tooLarge) {
            try await Self.read(Self.body, chunk: 16, maxBytes: 100)
        }
        await #expect(throws: MultipartReader.Failure.self) {
            try await Self.read(Array(Self.body.prefix(150)), chunk: 16)
        }
        let noName = Array("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--".utf8)
        await #expect(throws: MultipartReader.Failure.malformed("a part without a name")) {
            try await Self.read(noName, chunk: 5, boundary: "b")
        }
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence.
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
