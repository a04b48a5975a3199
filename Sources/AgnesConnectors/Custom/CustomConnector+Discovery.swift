import AgnesCore
import AgnesData
import Foundation
import Logging

extension CustomConnector {
    /// Source names a custom connector cannot take (the built-in sources').
    public static let builtInSources: Set<String> = ["local", "keboola", "bigquery", "jira"]

    /// What `CONNECTORS_DIR` holds: a connector per directory whose name is a valid source name that no
    /// built-in source and no other connector uses (DuckDB names ignore case, so `Sales` and `sales`
    /// clash); the reasons the other directories are left out. Hidden entries and files are ignored.
    public static func scan(_ directory: URL) -> (found: [(name: Identifier, directory: URL)], problems: [String]) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else { return ([], []) }
        var found: [(name: Identifier, directory: URL)] = []
        var problems: [String] = []
        var taken: Set<String> = builtInSources
        for entry in names.sorted() where !entry.hasPrefix(".") {
            let folder = directory.appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            guard let name = Identifier(entry) else {
                problems.append(
                    "\(entry): a connector's directory name is its source name and must match ^[a-zA-Z_][a-zA-Z0-9_]{0,63}$; skipped"
                )
                continue
            }
            guard taken.insert(entry.lowercased()).inserted else {
                problems.append(
                    builtInSources.contains(entry.lowercased())
                        ? "\(entry): the name of a built-in source; rename the directory; skipped"
                        : "\(entry): another connector's name in other case; skipped")
                continue
            }
            found.append((name, folder))
        }
        return (found, problems)
    }

    /// A connector for every usable directory of `directory` (none when it is nil or missing); the
    /// directories left out are logged with the reason.
    public static func all(
        in directory: URL?, layout: DataLayout, policy: RemoteAttachPolicy, environment: [String: String],
        logger: Logger
    ) -> [CustomConnector] {
        guard let directory else { return [] }
        let (found, problems) = scan(directory)
        for problem in problems {
            logger.error(
                "custom connector skipped", metadata: ["directory": "\(directory.path)", "problem": "\(problem)"])
        }
        if !found.isEmpty {
            logger.info(
                "custom connectors found",
                metadata: [
                    "directory": "\(directory.path)", "sources": "\(found.map(\.name.rawValue).joined(separator: ","))",
                ])
        }
        return found.map {
            CustomConnector(
                name: $0.name, directory: $0.directory, layout: layout, policy: policy, environment: environment,
                logger: logger)
        }
    }
}
