import CZlib
import HTTPTypes
import NIOCore

/// A gzip (RFC 1952) compressor over zlib's deflate, fed one chunk at a time.
///
/// The `z_stream` lives at a fixed address (zlib keeps pointers into it) and is released in `deinit`.
/// `@unchecked Sendable` because it owns that C state: the middleware creates it (so a failure leaves
/// the answer uncompressed before anything is sent) and hands it to the one response body that uses it
/// from its first chunk to ``finish(into:)``; nothing else ever holds it, so no two tasks touch it.
///
/// ```swift
/// let gzip = try GzipStream()
/// var output = ByteBuffer()
/// try gzip.compress(ByteBuffer(string: "{…}"), into: &output)
/// try gzip.finish(into: &output)
/// ```
final class GzipStream: @unchecked Sendable {
    /// zlib's fastest level, nginx's default: on two cores the CPU is dearer than the last 10 % of size
    /// (a 187 KB manifest: 44 KB in 8 ms at level 1, 40 KB in 25 ms at level 6).
    static let defaultLevel: Int32 = 1

    private let stream: UnsafeMutablePointer<z_stream>
    private var isFinished = false

    /// Starts a stream; fails for a level outside 0...9 (or -1, zlib's default) and when zlib cannot
    /// allocate its state.
    init(level: Int32 = GzipStream.defaultLevel) throws {
        // Set up before `self.stream` is assigned: a throw after that would run `deinit` as well.
        let state = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        state.initialize(to: z_stream())
        let status = agnes_deflate_init_gzip(state, level)
        guard status == Z_OK else {
            state.deinitialize(count: 1)
            state.deallocate()
            throw Self.failure(status)
        }
        stream = state
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `input`, appending whatever deflate has ready to `output` (possibly nothing: deflate
    /// holds data until a block is worth emitting).
    func compress(_ input: ByteBuffer, into output: inout ByteBuffer) throws {
        guard input.readableBytes > 0 else { return }
        try input.withUnsafeReadableBytes { try deflate($0, flush: Z_NO_FLUSH, into: &output) }
    }

    /// Ends the stream: appends the rest of the deflate data and the gzip trailer (CRC-32, length).
    func finish(into output: inout ByteBuffer) throws {
        try deflate(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH, into: &output)
    }

    /// `input` whole (for a body already in memory), as one gzip member sized for a single pass.
    static func compressed(_ input: ByteBuffer, level: Int32 = defaultLevel) throws -> ByteBuffer {
        let gzip = try GzipStream(level: level)
        let bound = Int(deflateBound(gzip.stream, uLong(input.readableBytes))) + 18  // + gzip header and trailer
        var output = ByteBufferAllocator().buffer(capacity: bound)
        try input.withUnsafeReadableBytes { try gzip.deflate($0, flush: Z_FINISH, into: &output) }
        return output
    }

    private func deflate(_ input: UnsafeRawBufferPointer, flush: Int32, into output: inout ByteBuffer) throws {
        guard !isFinished else { throw Self.failure(Z_STREAM_ERROR) }
        // zlib only reads `next_in` during the calls below, which consume all of it: nothing points into
        // `input` once this returns.
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        while true {
            var status = Z_OK
            var isOutputFull = false
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: max(output.writableBytes, Self.minimumOutputRoom))
            { space in
                stream.pointee.next_out = space.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(space.count)
                status = CZlib.deflate(stream, flush)
                isOutputFull = stream.pointee.avail_out == 0
                return space.count - Int(stream.pointee.avail_out)
            }
            switch status {
            case Z_STREAM_END:
                isFinished = true
                return
            case Z_OK, Z_BUF_ERROR:
                // Z_BUF_ERROR: no progress was possible, which is not an error while output room remains.
                if !isOutputFull && flush != Z_FINISH { return }
            default:
                throw Self.failure(status)
            }
        }
    }

    /// The least output room offered to a deflate call: a buffer with more free space gets all of it.
    private static let minimumOutputRoom = 4 << 10

    private static func failure(_ status: Int32) -> APIError {
        APIError(.internalServerError, "Response compression failed (zlib status \(status))")
    }
}
