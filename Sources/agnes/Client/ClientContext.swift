import AgnesCLI
import AgnesClient
import Foundation

/// What every client command starts from: the environment, the configuration directory, the
/// resolved server and token, and the workspace.
struct ClientContext {
    let environment: [String: String]
    let directory: ConfigDirectory
    let settings: ClientSettings
    let workspace: Workspace

    init(server: String? = nil, token: String? = nil, workspace explicit: String? = nil) throws {
        environment = ProcessInfo.processInfo.environment
        directory = ConfigDirectory(environment: environment)
        settings = try ClientSettings.resolve(
            environment: environment, directory: directory, server: server, token: token)
        workspace = Workspace(explicit: explicit, environment: environment)
    }

    /// Runs `body` with an API client carrying the token (required unless `requireToken` is false).
    func withAPI<T: Sendable>(
        requireToken: Bool = true, connections: Int = 8, _ body: (AgnesAPI) async throws -> T
    ) async throws -> T {
        let token = requireToken ? try settings.requireToken() : settings.token
        return try await AgnesAPI.withClient(server: settings.server, token: token, connections: connections, body)
    }

    /// `<config dir>/push_state.json`.
    var pushStateFile: URL { directory.url.appendingPathComponent("push_state.json") }
}

/// Printing helpers for client commands.
enum Output {
    /// Pretty, key-sorted JSON of `value` on standard output.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        StandardOutput.line(String(decoding: data, as: UTF8.self))
    }

    /// Lines on standard output.
    static func lines(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        StandardOutput.line(lines.joined(separator: "\n"))
    }

    /// A `warning:` line on standard error.
    static func warn(_ text: String) {
        FileHandleOutput.standardError("warning: \(text)\n")
    }

    /// A table of JSON objects, or the objects as JSON.
    static func objects(_ objects: [JSONValue], keys: [String], json: Bool, environment: [String: String]) throws {
        if json {
            try Output.json(objects)
        } else if objects.isEmpty {
            StandardOutput.line("(none)")
        } else {
            let table = ResultTable(objects: objects, keys: keys)
            StandardOutput.line(TableRenderer(maximumWidth: Terminal.width(environment: environment)).render(table))
        }
    }
}

/// Reads a secret from standard input (one line, trailing newline dropped).
enum SecretInput {
    static func readLine(what: String) throws -> String {
        guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
            throw ClientError(.usage, "expected the \(what) on standard input")
        }
        return line.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Prompts without echo on a terminal; otherwise reads a line from standard input.
    static func prompt(_ label: String) throws -> String {
        if isatty(STDIN_FILENO) == 1, let value = getpass("\(label): ") {
            let text = String(cString: value)
            if !text.isEmpty { return text }
        }
        return try readLine(what: label.lowercased())
    }
}
