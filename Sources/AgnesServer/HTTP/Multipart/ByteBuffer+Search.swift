import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ByteBuffer {
    /// The offset, from the reader index, of the first occurrence of `pattern` among the readable bytes
    /// at or after `start`; nil when there is none.
    ///
    /// `memchr` finds candidates for the first byte, so a 50 MB upload is scanned at C speed even in a
    /// debug build.
    func firstOffset(of pattern: [UInt8], from start: Int = 0) -> Int? {
        guard let first = pattern.first else { return start <= readableBytes ? start : nil }
        return withUnsafeReadableBytes { bytes -> Int? in
            guard let base = bytes.baseAddress, bytes.count >= pattern.count else { return nil }
            let last = bytes.count - pattern.count
            var offset = start
            while offset <= last {
                guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return nil }
                let position = base.distance(to: UnsafeRawPointer(hit))
                let matches = pattern.withUnsafeBytes { memcmp(hit, $0.baseAddress!, pattern.count) == 0 }
                if matches { return position }
                offset = position + 1
            }
            return nil
        }
    }
}
