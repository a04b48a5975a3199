import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Runs the built `agnes` binary as a subprocess (it sits next to the test bundle).
final class AgnesProcess: @unchecked Sendable {
    // @unchecked: `process` and the pipes are set up once in init; output is collected under `lock`.
    let process = Process()
    private let lock = NSLock()
    private var collected = ""

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("agnes")
    }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = Self.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["LOG_LEVEL"] = env["LOG_LEVEL"] ?? "warning"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard !data.isEmpty, let self else { return }
            self.lock.withLock { self.collected += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    var output: String { lock.withLock { collected } }

    /// Waits until the output contains `text` (or the process exits / time runs out).
    func waitFor(_ text: String, timeout: Duration = .seconds(60)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// The port from the `listening on http://host:port` line.
    func listeningPort() async throws -> Int? {
        guard try await waitFor("listening on http://") else { return nil }
        let line = output.split(separator: "\n").first { $0.contains("listening on http://") } ?? ""
        return line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Waits for the process to end and returns its status.
    func wait(timeout: Duration = .seconds(60)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Minimal HTTP GET over a real socket (URLSession).
enum HTTPGet {
    static func json(_ url: String) async throws -> (status: Int, body: [String: Any], headers: [String: String]) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        let http = response as! HTTPURLResponse
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)".lowercased()] = "\(value)" }
        return (http.statusCode, body, headers)
    }
}

/// Any HTTP request with a JSON body over a real socket (URLSession).
enum HTTPCall {
    static func json(
        _ method: String, _ url: String, headers: [String: String] = [:], body: Any? = nil
    ) async throws -> (status: Int, body: [String: Any], headers: [String: String]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)".lowercased()] = "\(value)" }
        return (http.statusCode, object, fields)
    }
}
