import Foundation
import Yams

/// The analyst's configuration directory, `AGNES_CONFIG_DIR` or `~/.config/agnes` (REFERENCE §2.1):
/// `config.yaml` (`server:`) and `token.json` (mode 0600). Created only when something is saved.
///
/// ```swift
/// let directory = ConfigDirectory(environment: ProcessInfo.processInfo.environment)
/// try directory.saveServer("https://agnes.example.com")
/// ```
public struct ConfigDirectory: Sendable {
    /// The directory.
    public let url: URL

    /// The directory named by `AGNES_CONFIG_DIR`, else `$HOME/.config/agnes`.
    public init(environment: [String: String]) {
        if let explicit = environment["AGNES_CONFIG_DIR"], !explicit.isEmpty {
            url = URL(fileURLWithPath: explicit, isDirectory: true)
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            url = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(
                ".config/agnes", isDirectory: true)
        }
    }

    /// A directory at `url` (tests).
    public init(url: URL) { self.url = url }

    /// `config.yaml`.
    public var configFile: URL { url.appendingPathComponent("config.yaml") }
    /// `token.json`.
    public var tokenFile: URL { url.appendingPathComponent("token.json") }

    /// The `server:` value of `config.yaml`, if the file has one.
    public func savedServer() throws -> String? {
        try configMapping()["server"] as? String
    }

    /// Sets `server:` in `config.yaml`, keeping its other keys.
    public func saveServer(_ server: String) throws {
        var mapping = try configMapping()
        mapping["server"] = server
        let text: String
        do {
            text = try Yams.dump(object: mapping, sortKeys: true)
        } catch {
            throw ClientError(.io, "could not write \(configFile.path): \(error)")
        }
        try createPrivately()
        try AtomicFile.write(text, to: configFile, mode: 0o644)
    }

    /// The saved token, if any.
    public func savedToken() throws -> StoredToken? {
        guard let data = FileManager.default.contents(atPath: tokenFile.path) else { return nil }
        do {
            return try JSONDecoder().decode(StoredToken.self, from: data)
        } catch {
            throw ClientError(
                .notConfigured, "\(tokenFile.path) is not a valid token file",
                hint: "run agnes auth logout, then agnes auth login or agnes auth import-token")
        }
    }

    /// Saves the token to `token.json` with mode 0600 (set before any byte is written).
    public func saveToken(_ token: StoredToken) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data: Data
        do { data = try encoder.encode(token) } catch { throw ClientError(.io, "could not encode the token: \(error)") }
        try createPrivately()
        try AtomicFile.write(data, to: tokenFile, mode: 0o600)
    }

    /// Deletes `token.json`. Returns false when there was none.
    @discardableResult
    public func deleteToken() throws -> Bool {
        guard FileManager.default.fileExists(atPath: tokenFile.path) else { return false }
        do {
            try FileManager.default.removeItem(at: tokenFile)
        } catch {
            throw ClientError(.io, "could not delete \(tokenFile.path): \(error.localizedDescription)")
        }
        return true
    }

    /// Creates the directory (mode 0700: only its owner lists it) when it does not exist.
    private func createPrivately() throws {
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        try AtomicFile.createDirectory(url)
        chmod(url.path, 0o700)
    }

    private func configMapping() throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: configFile.path) else { return [:] }
        let text = String(decoding: data, as: UTF8.self)
        do {
            guard let object = try Yams.load(yaml: text) else { return [:] }
            guard let mapping = object as? [String: Any] else {
                throw ClientError(.notConfigured, "\(configFile.path) is not a YAML mapping")
            }
            return mapping
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(
                .notConfigured, "\(configFile.path) is not valid YAML",
                hint: "fix or delete the file; agnes init writes a new one")
        }
    }
}

/// `token.json`: `{"access_token": <jwt>, "email": <email>}`.
public struct StoredToken: Codable, Sendable, Hashable {
    /// The bearer token (a session JWT or a personal access token).
    public var accessToken: String
    /// The email it belongs to ("" when unknown).
    public var email: String

    /// Creates a value.
    public init(accessToken: String, email: String) {
        self.accessToken = accessToken
        self.email = email
    }

    enum CodingKeys: String, CodingKey {
        case email
        case accessToken = "access_token"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try container.decode(String.self, forKey: .accessToken)
        email = try container.decodeIfPresent(String.self, forKey: .email) ?? ""
    }
}
