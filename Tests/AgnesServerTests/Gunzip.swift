import AgnesTestSupport
import Foundation
import NIOCore

/// Decodes gzip with the `gzip` program (its own inflate, not the zlib the server links), so a test
/// checks our output against another implementation of RFC 1952.
enum Gunzip {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func decode(_ bytes: [UInt8]) throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-gunzip-\(UUID().uuidString).gz")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try TestProcess.run("/usr/bin/gzip", ["-dc", file.path])
        guard result.status == 0 else { throw Failure(description: "gzip -d: \(result.standardError)") }
        return Array(result.standardOutput)
    }

    static func decode(_ buffer: ByteBuffer) throws -> [UInt8] { try decode(Array(buffer.readableBytesView)) }
}
