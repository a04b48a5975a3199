import AgnesCore

/// Which `_remote_attach` rows may be acted on: the extension and the token variable must be on
/// allowlists (REFERENCE §4.3), applied on every rebuild and on every reader.
public struct RemoteAttachPolicy: Sendable, Hashable {
    /// Extensions that may be loaded.
    public var extensions: Set<String>
    /// Environment variable names a row may point at.
    public var tokenEnvironmentVariables: Set<String>

    /// The defaults of the original: extensions `keboola`, `bigquery`; token variables `KBC_TOKEN`,
    /// `KBC_STORAGE_TOKEN`, `KEBOOLA_STORAGE_TOKEN`, `GOOGLE_APPLICATION_CREDENTIALS`.
    public static let defaults = RemoteAttachPolicy(
        extensions: ["keboola", "bigquery"],
        tokenEnvironmentVariables: [
            "KBC_TOKEN", "KBC_STORAGE_TOKEN", "KEBOOLA_STORAGE_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS",
        ])

    /// Creates a policy.
    public init(extensions: Set<String>, tokenEnvironmentVariables: Set<String>) {
        self.extensions = extensions
        self.tokenEnvironmentVariables = tokenEnvironmentVariables
    }

    /// Why `row` may not be used, or nil when it may.
    public func violation(of row: RemoteAttach) -> String? {
        guard Identifier.isValid(row.alias) else {
            return "alias \(row.alias.debugDescription) is not a valid identifier"
        }
        guard Identifier.isValid(row.extensionName) else {
            return "extension \(row.extensionName.debugDescription) is not a valid identifier"
        }
        guard extensions.contains(row.extensionName) else {
            return
                "extension \(row.extensionName) is not allowed (allowed: \(extensions.sorted().joined(separator: ", ")))"
        }
        if !row.tokenEnv.isEmpty {
            guard Self.isEnvironmentName(row.tokenEnv) else {
                return "token_env \(row.tokenEnv.debugDescription) is not a valid environment variable name"
            }
            guard tokenEnvironmentVariables.contains(row.tokenEnv) else {
                return
                    "token_env \(row.tokenEnv) is not allowed (allowed: \(tokenEnvironmentVariables.sorted().joined(separator: ", ")))"
            }
        }
        return nil
    }

    /// `^[A-Z][A-Z0-9_]{0,63}$`.
    static func isEnvironmentName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 64, (65...90).contains(first) else { return false }
        return bytes.allSatisfy { (65...90).contains($0) || (48...57).contains($0) || $0 == 95 }
    }
}
