import Hummingbird
import NIOCore

/// A body writer that passes on the first `limit` bytes, then fails: the server closes the connection
/// short of the `Content-Length` it announced.
struct TruncatingBodyWriter: ResponseBodyWriter {
    struct Dropped: Error {}

    var parent: any ResponseBodyWriter
    let limit: Int
    var written = 0

    mutating func write(_ buffer: ByteBuffer) async throws {
        let room = limit - written
        guard buffer.readableBytes > room else {
            try await parent.write(buffer)
            written += buffer.readableBytes
            return
        }
        if room > 0, let part = buffer.getSlice(at: buffer.readerIndex, length: room) { try await parent.write(part) }
        throw Dropped()
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        throw Dropped()
    }
}
