import Foundation

/// The aiosmtpd fixture (`Tests/AgnesTestSupport/Fixtures/smtp_server.py`) running as a subprocess on 127.0.0.1.
///
/// Python comes from the test venv that scripts/setup.sh creates in `.duckdb/test-venv`.
/// `@unchecked Sendable`: every stored property is a `let`, and `Process`/`Pipe` are used only to
/// terminate and to close stdin, which are safe from any thread.
public final class SMTPTestServer: @unchecked Sendable {
    public enum Mode: String, Sendable {
        case plain, starttls, implicit
    }

    /// What the fixture wrote for one received message.
    public struct Received: Decodable, Sendable {
        public var mailFrom: String
        public var rcptTos: [String]
        public var usedTLS: Bool
        public var authenticated: Bool
        public var raw: String
        public var headers: [String: String]
        public var contentType: String
        public var text: String?
        public var html: String?
    }

    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public let port: Int
    public let directory: URL
    private let process: Process
    private let stdin: Pipe

    /// Starts the server and waits until it listens.
    public init(
        mode: Mode = .plain,
        certificate: TestCertificate? = nil,
        auth: (user: String, password: String)? = nil,
        loginOnly: Bool = false,
        rejectRecipients: Bool = false
    ) async throws {
        let python = Self.repositoryRoot.appending(path: ".duckdb/test-venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw FixtureError("No test venv at \(python.path): run scripts/setup.sh")
        }
        directory = FileManager.default.temporaryDirectory.appending(path: "agnes-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = [
            Self.repositoryRoot.appending(path: "Tests/AgnesTestSupport/Fixtures/smtp_server.py").path,
            "--dir", directory.path, "--mode", mode.rawValue,
        ]
        if let certificate {
            arguments += ["--cert", certificate.certificate.path, "--key", certificate.key.path]
        }
        if let auth {
            arguments += ["--auth", "\(auth.user):\(auth.password)"]
        }
        if loginOnly { arguments.append("--login-only") }
        if rejectRecipients { arguments.append("--reject-rcpt") }

        process = Process()
        process.executableURL = python
        process.arguments = arguments
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let firstLine = await Self.readLine(stdout.fileHandleForReading)
        guard let firstLine, firstLine.hasPrefix("PORT "), let port = Int(firstLine.dropFirst(5)) else {
            process.terminate()
            throw FixtureError("The SMTP fixture did not start (said \(firstLine ?? "nothing"))")
        }
        self.port = port
    }

    /// The messages received so far, in order.
    public func received() throws -> [Received] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") }
            .sorted { Int($0.dropLast(5)) ?? 0 < Int($1.dropLast(5)) ?? 0 }
        return try files.map {
            try JSONDecoder().decode(Received.self, from: Data(contentsOf: directory.appending(path: $0)))
        }
    }

    /// Stops the server (closing its stdin ends it) and removes its directory.
    public func stop() async {
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        let process = self.process
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume()
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Reads one line off the cooperative pool: the read blocks until the fixture prints.
    private static func readLine(_ handle: FileHandle) async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
                    bytes.append(byte)
                }
                continuation.resume(returning: bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
            }
        }
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension SMTPTestServer {
    /// Runs `body` with a server (and its certificate when TLS is on), stopping it whatever happens.
    public static func withServer(
        mode: Mode = .plain,
        auth: (user: String, password: String)? = nil,
        loginOnly: Bool = false,
        rejectRecipients: Bool = false,
        _ body: (SMTPTestServer, TestCertificate?) async throws -> Void
    ) async throws {
        let certificate = mode == .plain ? nil : try await TestCertificate.make()
        defer { certificate?.remove() }
        let server = try await SMTPTestServer(
            mode: mode,
            certificate: certificate,
            auth: auth,
            loginOnly: loginOnly,
            rejectRecipients: rejectRecipients
        )
        do {
            try await body(server, certificate)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
