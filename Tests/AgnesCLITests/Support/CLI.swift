import AgnesClient
import Foundation

/// Runs the built `agnes` binary as a subprocess with a clean environment (nothing of the caller's
/// AGNES_* settings leaks in), standard output and error captured separately.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The binary next to the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("agnes")
    }

    /// The environment every run gets (plus PATH).
    var environment: [String: String]
    /// The working directory.
    var directory: URL

    /// A CLI whose HOME, config directory and workspace live under `root`.
    init(root: URL, server: String? = nil) throws {
        let home = root.appendingPathComponent("home")
        let workspace = root.appendingPathComponent("workspace")
        for folder in [home, workspace] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        environment = [
            "HOME": home.path, "AGNES_CONFIG_DIR": home.appendingPathComponent(".config/agnes").path,
            "AGNES_LOCAL_DIR": workspace.path, "LOG_LEVEL": "error", "AGNES_NO_UPDATE_CHECK": "1",
        ]
        if let server { environment["AGNES_SERVER"] = server }
        directory = workspace
    }

    var workspace: URL { URL(fileURLWithPath: environment["AGNES_LOCAL_DIR"]!) }
    var configDirectory: URL { URL(fileURLWithPath: environment["AGNES_CONFIG_DIR"]!) }
    var home: URL { URL(fileURLWithPath: environment["HOME"]!) }

    /// Starts `agnes <arguments>` without waiting (for tests that signal it while it runs).
    func spawn(_ arguments: [String], extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var env = environment.merging(extra) { $1 }
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = env
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `agnes <arguments>`, optionally through `/bin/sh -c <shellPrefix> …` (for `ulimit`).
    func run(
        _ arguments: [String], stdin: String? = nil, extra: [String: String] = [:], shellPrefix: String? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> Result {
        let process = Process()
        if let shellPrefix {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\(shellPrefix); exec \"$0\" \"$@\"", Self.binary.path] + arguments
        } else {
            process.executableURL = Self.binary
            process.arguments = arguments
        }
        var env = environment.merging(extra) { $1 }
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = env
        process.currentDirectoryURL = directory
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        let inURL = scratch.appendingPathComponent("in")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: Data((stdin ?? "").utf8))
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        try input.close()
        return Result(
            status: process.terminationStatus,
            stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
}

extension JSONValue {
    /// The element at `index`, when this is an array that long.
    subscript(_ index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// The elements, when this is an array.
    var items: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
