import Foundation
import NIOCore

extension MultipartFormReader {
    /// Bytes gathered before each write to disk.
    static let writeBatchBytes = 1024 * 1024

    /// Writes the rest of the current part to `destination` through a ``StagedFile`` (so the file
    /// appears complete or not at all) and returns its size; throws `tooLarge` past `limit` bytes,
    /// leaving nothing behind.
    mutating func writePart(to destination: URL, limit: Int, tooLarge: APIError) async throws -> Int {
        let file = try await StagedFile.create(at: destination)
        do {
            var size = 0
            var pending = ByteBuffer()
            while var chunk = try await nextChunk() {
                size += chunk.readableBytes
                guard size <= limit else { throw tooLarge }
                pending.writeBuffer(&chunk)
                if pending.readableBytes >= Self.writeBatchBytes {
                    try await file.write(pending)
                    pending.clear()
                }
            }
            if pending.readableBytes > 0 { try await file.write(pending) }
            try await file.commit()
            return size
        } catch {
            await file.discard()
            throw error
        }
    }
}
