import CZlib
import Foundation

/// gzip (RFC 1952: header, deflate data, CRC-32 and length trailer) through zlib's `deflateInit2` with
/// window bits 15 + 16, as one member: what each gzipped export slice is.
enum Gzip {
    static func compress(_ data: Data) -> Data {
        // zlib checks that the stream stays at the address it was started at: keep it on the heap.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        guard agnes_deflate_init_gzip(stream, 6) == Z_OK else { fatalError("zlib could not start a gzip stream") }
        var output = Data(count: Int(deflateBound(stream, uLong(data.count))) + 32)
        let written = data.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> Int in
            output.withUnsafeMutableBytes { (space: UnsafeMutableRawBufferPointer) -> Int in
                stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(input.count)
                stream.pointee.next_out = space.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(space.count)
                // The output holds deflate's bound for the input (+ gzip framing), so one call finishes.
                guard deflate(stream, Z_FINISH) == Z_STREAM_END else {
                    fatalError("zlib could not finish a gzip stream")
                }
                return space.count - Int(stream.pointee.avail_out)
            }
        }
        return output.prefix(written)
    }
}
