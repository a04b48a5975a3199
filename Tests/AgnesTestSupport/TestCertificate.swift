import Foundation

/// A fresh self-signed certificate for 127.0.0.1 and localhost, made with `openssl req -x509`.
public struct TestCertificate: Sendable {
    public let directory: URL
    public var certificate: URL { directory.appending(path: "cert.pem") }
    public var key: URL { directory.appending(path: "key.pem") }

    /// Generates the key and certificate into a new temporary directory.
    public static func make() async throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appending(path: "agnes-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = TestCertificate(directory: directory)
        try await run(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", result.key.path, "-out", result.certificate.path, "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ]
        )
        return result
    }

    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ executable: String, _ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // Waiting blocks, so it happens on a Dispatch thread, not the cooperative pool.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    try process.run()
                    process.waitUntilExit()
                    continuation.resume(returning: process.terminationStatus)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        guard status == 0 else {
            throw FixtureError("openssl exited with \(status)")
        }
    }
}
