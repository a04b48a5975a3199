import Foundation

/// A real `agnes serve` on a free port, as a subprocess with its output in a file.
final class ServerProcess: @unchecked Sendable {
    // @unchecked: `process` is configured once in init; later calls only read it or send signals.
    let process = Process()
    let outputFile: URL
    private(set) var port = 0

    /// Starts `agnes serve --port 0 --data-dir <dataDirectory> <extra>` and waits for its port; with a
    /// `launcher` (e.g. `setpriv … --`), the binary `binary` is started through it.
    init(
        dataDirectory: URL, arguments extra: [String] = [], environment: [String: String] = [:],
        launcher: [String] = [], binary: URL = CLI.binary
    ) async throws {
        outputFile = dataDirectory.deletingLastPathComponent().appendingPathComponent("server-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let command = ["serve", "--port", "0", "--data-dir", dataDirectory.path] + extra
        if let first = launcher.first {
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = Array(launcher.dropFirst()) + [binary.path] + command
        } else {
            process.executableURL = binary
            process.arguments = command
        }
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LOG_LEVEL": "error"]
        env["HOME"] = dataDirectory.path
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let handle = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            if let port = Self.port(in: output) {
                self.port = port
                return
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServerError(output: output)
    }

    struct ServerError: Error, CustomStringConvertible {
        let output: String
        var description: String { "agnes serve did not start: \(output)" }
    }

    var base: String { "http://127.0.0.1:\(port)" }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    static func port(in output: String) -> Int? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("listening on http://") }) else {
            return nil
        }
        return line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Stops the server (SIGTERM, or SIGKILL with `kill`) and waits for it.
    func stop(kill: Bool = false) async {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, kill ? SIGKILL : SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputFile)
    }
}
