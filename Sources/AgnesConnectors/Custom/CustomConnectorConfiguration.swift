import AgnesCore
import Foundation

/// How one custom connector (`CONNECTORS_DIR/<name>/`) is run, from its optional `connector.yaml`:
///
/// ```yaml
/// command: ["python3", "./extractor.py"]   # default: ./extractor if executable, else python3 ./extractor.py
/// timeout_seconds: 600                      # default 600, for the run and the conversion of its output
/// env: [CRM_API_TOKEN, CRM_BASE_URL]        # server variables passed through; nothing else is
/// ```
///
/// In `command`, the program and every argument that starts with `./` name files in the connector's own
/// directory; a bare program name is looked up in `PATH`. A string is split at spaces (use a list when an
/// argument has one). Unknown keys are refused, so that a misspelt `timeout` does not go unnoticed.
public struct CustomConnectorConfiguration: Sendable, Hashable {
    /// The configuration file's name inside the connector's directory.
    public static let fileName = "connector.yaml"
    /// The timeout when `timeout_seconds` is not given (the original's 600 s).
    public static let defaultTimeoutSeconds = 600.0
    /// The longest timeout accepted (a day).
    static let maximumTimeoutSeconds = 86_400.0
    static let knownKeys: Set<String> = ["command", "timeout_seconds", "env"]

    /// The source name: the directory's name, also `extracts/<name>/` and the tables' `source_type`.
    public var name: Identifier
    /// `CONNECTORS_DIR/<name>`.
    public var directory: URL
    /// The program and its arguments, as configured (``launchCommand(path:)`` resolves them).
    public var command: [String]
    /// How long a run may take.
    public var timeoutSeconds: Double
    /// Names of the server's environment variables passed to it.
    public var environmentNames: [String]

    /// Creates a configuration from values.
    public init(
        name: Identifier, directory: URL, command: [String], timeoutSeconds: Double = Self.defaultTimeoutSeconds,
        environmentNames: [String] = []
    ) {
        self.name = name
        self.directory = directory
        self.command = command
        self.timeoutSeconds = timeoutSeconds
        self.environmentNames = environmentNames
    }

    /// Reads `directory/connector.yaml` (all keys optional; no file means all defaults). Blocking.
    public static func load(name: Identifier, directory: URL) throws(CustomConnectorError) -> Self {
        let file = directory.appendingPathComponent(fileName)
        let label = "\(name.rawValue)/\(fileName)"
        var values: [String: ConfigValue] = [:]
        if FileManager.default.fileExists(atPath: file.path) {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw CustomConnectorError(.configuration, "\(label) cannot be read as UTF-8 text")
            }
            let parsed: ConfigValue
            do {
                parsed = try ConfigValue.parseYAMLDocument(text, file: label)
            } catch {
                throw CustomConnectorError(.configuration, error.message, cause: error)
            }
            guard parsed.isNull || parsed.objectValue != nil else {
                throw CustomConnectorError(.configuration, "\(label) must be a mapping of keys to values")
            }
            values = parsed.objectValue ?? [:]
        }
        if let unknown = values.keys.sorted().first(where: { !knownKeys.contains($0) }) {
            throw CustomConnectorError(
                .configuration,
                "\(label): unknown key \(unknown) (known: \(knownKeys.sorted().joined(separator: ", ")))")
        }
        var configuration = Self(
            name: name, directory: directory, command: [], environmentNames: [])
        if let value = values["command"] {
            configuration.command = try commandList(value, label: label)
        } else {
            configuration.command = try defaultCommand(directory: directory, label: label)
        }
        if let value = values["timeout_seconds"] { configuration.timeoutSeconds = try timeout(value, label: label) }
        if let value = values["env"] { configuration.environmentNames = try environmentNames(value, label: label) }
        return configuration
    }

    /// `./extractor` when it is an executable file, else `python3 ./extractor.py` when that exists.
    static func defaultCommand(directory: URL, label: String) throws(CustomConnectorError) -> [String] {
        let executable = directory.appendingPathComponent("extractor")
        if FileManager.default.isExecutableFile(atPath: executable.path) { return ["./extractor"] }
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("extractor.py").path) {
            return ["python3", "./extractor.py"]
        }
        throw CustomConnectorError(
            .configuration,
            "\(label) names no command, and the directory has neither an executable extractor nor extractor.py")
    }

    private static func commandList(_ value: ConfigValue, label: String) throws(CustomConnectorError) -> [String] {
        var parts: [String]?
        if let text = value.stringValue {
            parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        } else if let items = value.arrayValue {
            let strings = items.compactMap(\.stringValue)
            parts = strings.count == items.count ? strings : nil
        }
        guard let parts, let program = parts.first, !program.isEmpty, !parts.contains(where: { $0.contains("\0") })
        else {
            throw CustomConnectorError(
                .configuration, "\(label): command must be a program and its arguments (a string or a list of strings)")
        }
        return parts
    }

    private static func timeout(_ value: ConfigValue, label: String) throws(CustomConnectorError) -> Double {
        guard let seconds = value.doubleValue ?? value.intValue.map(Double.init), seconds > 0,
            seconds <= maximumTimeoutSeconds
        else {
            throw CustomConnectorError(
                .configuration,
                "\(label): timeout_seconds must be a number of seconds above 0 and at most \(Int(maximumTimeoutSeconds))"
            )
        }
        return seconds
    }

    private static func environmentNames(_ value: ConfigValue, label: String) throws(CustomConnectorError)
        -> [String]
    {
        let items = value.arrayValue ?? (value.stringValue.map { [ConfigValue.string($0)] } ?? [])
        let names = items.compactMap(\.stringValue)
        guard value.arrayValue != nil || value.stringValue != nil, names.count == items.count else {
            throw CustomConnectorError(.configuration, "\(label): env must be a list of environment variable names")
        }
        if let bad = names.first(where: { !isVariableName($0) }) {
            throw CustomConnectorError(
                .configuration, "\(label): env: \(bad.debugDescription) is not an environment variable name")
        }
        return names
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, a shell-style variable name.
    static func isVariableName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        func isLetter(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) || byte == 95 }
        guard let first = bytes.first, isLetter(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || (48...57).contains($0) }
    }
}
