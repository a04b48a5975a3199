import AgnesCore
import Foundation

extension CustomConnectorConfiguration {
    /// The `PATH` a connector gets when the server has none.
    static let fallbackPath = "/usr/local/bin:/usr/bin:/bin"

    /// Variables every run gets from Agnes itself; a name in `env` cannot replace them.
    static let ownVariables: Set<String> = [
        "HOME", "TMPDIR", "AGNES_OUTPUT_DIR", "AGNES_CONNECTOR_NAME", "AGNES_CONNECTOR_DIR",
    ]

    /// The program's absolute path and its arguments: the program and arguments starting with `./`
    /// resolved against the connector's directory (a program path with a `/` too), a bare program name
    /// looked up in `path` (the `PATH` the connector gets).
    func launchCommand(path: String) throws(CustomConnectorError) -> (executable: String, arguments: [String]) {
        let program = command[0]
        let executable: String
        if program.hasPrefix("/") {
            executable = program
        } else if program.contains("/") {
            executable = directory.appendingPathComponent(program).standardizedFileURL.path
        } else {
            let candidates = path.split(separator: ":").map { "\($0)/\(program)" }
            guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
                throw CustomConnectorError(.launch, "\(program) is not found in PATH (\(path))")
            }
            executable = found
        }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw CustomConnectorError(
                .launch,
                FileManager.default.fileExists(atPath: executable)
                    ? "\(executable) is not executable (chmod +x it)" : "\(executable) does not exist")
        }
        let arguments = command.dropFirst().map { argument in
            argument.hasPrefix("./") ? directory.appendingPathComponent(argument).standardizedFileURL.path : argument
        }
        return (executable, arguments)
    }

    /// The whole environment of a run: `PATH` and `LANG` from the server (or defaults), `HOME` and
    /// `TMPDIR` of the run's own, the variables `env` names that the server has, and where to write
    /// (`AGNES_OUTPUT_DIR`, also the working directory). `missing` lists names the server does not have.
    func environment(server: [String: String], output: URL, home: URL, temporary: URL) -> (
        variables: [String: String], missing: [String]
    ) {
        var variables: [String: String] = [
            "PATH": server["PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.fallbackPath,
            "LANG": server["LANG"].flatMap { $0.isEmpty ? nil : $0 } ?? "C.UTF-8",
        ]
        var missing: [String] = []
        for name in environmentNames where !Self.ownVariables.contains(name) {
            if let value = server[name] { variables[name] = value } else { missing.append(name) }
        }
        variables["HOME"] = home.path
        variables["TMPDIR"] = temporary.path
        variables["AGNES_OUTPUT_DIR"] = output.path
        variables["AGNES_CONNECTOR_NAME"] = name.rawValue
        variables["AGNES_CONNECTOR_DIR"] = directory.path
        return (variables, missing)
    }
}
