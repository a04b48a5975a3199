import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import AgnesServer

@Suite struct GzipStreamTests {
    /// Text that compresses but is not one repeated run: `row 1: …`, `row 2: …`, ….
    static func text(_ length: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length + 64)
        var row = 0
        while bytes.count < length {
            row += 1
            bytes += Array("{\"row\":\(row),\"name\":\"customer \(row * 7919 % 10007)\"},".utf8)
        }
        return Array(bytes.prefix(length))
    }

    @Test func chunksFedOneByOneDecodeToTheirConcatenation() throws {
        let input = Self.text(300_000)
        let gzip = try GzipStream()
        var output = ByteBuffer()
        for chunk in [input[0..<1], input[1..<70_000], input[70_000..<70_000], input[70_000...]] {
            try gzip.compress(ByteBuffer(bytes: chunk), into: &output)
        }
        try gzip.finish(into: &output)
        #expect(try Gunzip.decode(output) == input)
        #expect(output.readableBytes < input.count / 3)
    }

    @Test(arguments: [0, 1, 1024, 70_000])
    func aWholeBodyIsOneGzipMember(length: Int) throws {
        let input = Self.text(length)
        let output = try GzipStream.compressed(ByteBuffer(bytes: input))
        #expect(output.readableBytesView.starts(with: [0x1f, 0x8b, 8]))  // gzip magic, deflate
        #expect(try Gunzip.decode(output) == input)
    }

    @Test(arguments: [0, 9, -1])
    func everyZlibLevelWorks(level: Int32) throws {
        let input = Self.text(5000)
        #expect(try Gunzip.decode(try GzipStream.compressed(ByteBuffer(bytes: input), level: level)) == input)
    }

    @Test(arguments: [10, 42, -2])
    func aLevelZlibDoesNotKnowIsRefused(level: Int32) throws {
        let error = try #require(throws: APIError.self) { try GzipStream(level: level) }
        #expect(error.status == .internalServerError)
        #expect(error.detail.hasPrefix("Response compression failed"))
        #expect(throws: APIError.self) { try GzipStream.compressed(ByteBuffer(string: "{}"), level: level) }
    }

    @Test func nothingCanBeWrittenAfterTheEnd() throws {
        let gzip = try GzipStream()
        var output = ByteBuffer()
        try gzip.finish(into: &output)
        #expect(throws: APIError.self) { try gzip.compress(ByteBuffer(string: "more"), into: &output) }
        #expect(throws: APIError.self) { try gzip.finish(into: &output) }
        #expect(try Gunzip.decode(output).isEmpty)
    }
}

/// The streaming writer: compressed bytes reach the connection while the route is still writing.
@Suite struct GzipBodyWriterTests {
    /// Records what reaches "the connection".
    final class RecordingWriter: ResponseBodyWriter {
        var written: [UInt8] = []
        var isFinished = false
        var trailingHeaders: HTTPFields?

        func write(_ buffer: ByteBuffer) async throws { written += Array(buffer.readableBytesView) }
        func finish(_ trailingHeaders: HTTPFields?) async throws {
            isFinished = true
            self.trailingHeaders = trailingHeaders
        }
    }

    @Test func compressedBytesAreSentBeforeTheBodyEnds() async throws {
        let input = GzipStreamTests.text(1 << 20)
        let connection = RecordingWriter()
        var writer = GzipBodyWriter(parent: connection, gzip: try GzipStream())
        try await writer.write(ByteBuffer(bytes: input[..<(600 << 10)]))
        // Deflate emits its blocks as they fill: the first ones are out, the body is not finished.
        #expect(!connection.written.isEmpty)
        #expect(!connection.isFinished)
        try await writer.write(contentsOf: [ByteBuffer(bytes: input[(600 << 10)...]), ByteBuffer()])
        try await writer.finish([HTTPField.Name("x-rows")!: "3"])
        #expect(connection.isFinished)
        #expect(connection.trailingHeaders?[HTTPField.Name("x-rows")!] == "3")
        #expect(try Gunzip.decode(connection.written) == input)
    }

    @Test func anEmptyBodyIsAnEmptyGzipMember() async throws {
        let connection = RecordingWriter()
        try await ResponseBody().gzipped(by: try GzipStream()).write(connection)
        #expect(connection.isFinished)
        #expect(try Gunzip.decode(connection.written).isEmpty)
    }
}

@Suite struct AcceptEncodingTests {
    @Test(
        arguments: [
            ([], false),
            ([""], false),
            (["gzip"], true),
            (["GZIP"], true),
            (["x-gzip"], true),
            (["gzip, deflate, br"], true),
            (["br;q=1.0, gzip;q=0.1"], true),
            (["br", "gzip"], true),  // two fields are one list
            (["gzip;q=0"], false),
            (["gzip; q=0.000"], false),
            (["gzip;Q=0"], false),
            (["*"], true),
            (["*;q=0"], false),
            (["*, gzip;q=0"], false),  // an explicit gzip entry beats the wildcard
            (["gzip;q=0, *"], false),
            (["gzip;q=0.5, *;q=0"], true),
            (["br", "identity"], false),
            (["identity;q=0"], false),
            (["gzip;q=1.000"], true),
            (["gzip;q=0.001"], true),
            // Weights that are not qvalues count as 0.
            (["gzip;q=2"], false),
            (["gzip;q=1.5"], false),
            (["gzip;q=0.0001"], false),
            (["gzip;q=abc"], false),
            (["gzip;q="], false),
            (["gzip;q"], false),
            (["gzip;q=-1"], false),
            (["gzip;level=1"], true),  // other parameters do not matter
            ([" , ,gzip"], true),
        ] as [([String], Bool)])
    func gzipIsAllowedOnlyWithAWeightAboveZero(fields: [String], allowed: Bool) {
        #expect(AcceptEncoding.allowsGzip(fields) == allowed, "\(fields)")
    }
}
