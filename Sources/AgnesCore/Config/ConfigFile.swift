import Foundation

/// Reading configuration files whose absence is normal (demo mode, a fresh data directory).
enum ConfigFile {
    /// The file's text, or `nil` when nothing exists at `path`.
    static func contents(atPath path: String) throws(ConfigError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(code: .unreadableFile, message: "\(path): cannot read the file: \(error)", cause: error)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(code: .unreadableFile, message: "\(path): expected UTF-8 text")
        }
        return text
    }

    /// Joins path components with single slashes, keeping `directory` as given (relative or absolute).
    static func path(_ directory: String, _ components: String...) -> String {
        var result = directory
        for component in components {
            if !result.isEmpty, !result.hasSuffix("/") { result += "/" }
            result += component
        }
        return result
    }
}
