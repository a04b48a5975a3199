import HTTPTypes
import Hummingbird
import NIOCore

/// Writes a response body through a ``GzipStream`` to the connection's writer, chunk by chunk: a
/// streamed body stays streamed, and memory stays at one chunk plus deflate's state (about 256 KiB).
struct GzipBodyWriter<Parent: ResponseBodyWriter>: ResponseBodyWriter {
    var parent: Parent
    let gzip: GzipStream

    /// Input deflated between two chances for other tasks to run: a 1 MiB chunk is a few milliseconds
    /// of CPU, and these two cores are shared with every other request.
    static var sliceLength: Int { 256 << 10 }

    mutating func write(_ buffer: ByteBuffer) async throws {
        var rest = buffer
        while let slice = rest.readSlice(length: min(rest.readableBytes, Self.sliceLength)), slice.readableBytes > 0 {
            var output = ByteBuffer()
            try gzip.compress(slice, into: &output)
            if output.readableBytes > 0 { try await parent.write(output) }
            if rest.readableBytes > 0 { await Task.yield() }
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        var output = ByteBuffer()
        try gzip.finish(into: &output)
        if output.readableBytes > 0 { try await parent.write(output) }
        try await parent.finish(trailingHeaders)
    }
}

/// Collects a body of known, small length in memory, so that it can be compressed in one pass and sent
/// with a `Content-Length`. Not `Sendable`: it lives inside one middleware call.
final class CollectingBodyWriter: ResponseBodyWriter {
    private(set) var buffer = ByteBuffer()
    private(set) var trailingHeaders: HTTPFields?

    func write(_ buffer: ByteBuffer) async throws {
        var part = buffer
        self.buffer.writeBuffer(&part)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {
        self.trailingHeaders = trailingHeaders
    }

    /// A body that sends `buffer` (and the trailing headers, if the original body had any).
    static func body(_ buffer: ByteBuffer, trailingHeaders: HTTPFields?) -> ResponseBody {
        guard let trailingHeaders else { return ResponseBody(byteBuffer: buffer) }
        return ResponseBody(contentLength: buffer.readableBytes) { writer in
            try await writer.write(buffer)
            try await writer.finish(trailingHeaders)
        }
    }
}
