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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        process.arguments = ["-dc", file.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let decoded = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "gzip -d: \(String(decoding: message, as: UTF8.self))")
        }
        return Array(decoded)
    }

    static func decode(_ buffer: ByteBuffer) throws -> [UInt8] { try decode(Array(buffer.readableBytesView)) }
}
