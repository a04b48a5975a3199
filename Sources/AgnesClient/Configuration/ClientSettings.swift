import Foundation

/// Where the CLI talks to and with which credential, resolved once per command (REFERENCE §2.1):
/// server = `--server` > `AGNES_SERVER` > `config.yaml` > `http://localhost:8000`;
/// token = explicit (`--token`) > `token.json` > `AGNES_TOKEN`.
///
/// ```swift
/// let settings = try ClientSettings.resolve(environment: env, directory: ConfigDirectory(environment: env))
/// let token = try settings.requireToken()
/// ```
public struct ClientSettings: Sendable {
    /// Where a value came from (printed by `agnes status` and `agnes diagnose`).
    public enum Source: String, Sendable, Codable {
        case option, environment, configFile = "config_file", tokenFile = "token_file", builtIn = "default"
    }

    /// The server's base URL, without a trailing slash.
    public var server: String
    /// Where `server` came from.
    public var serverSource: Source
    /// The bearer token, if any.
    public var token: String?
    /// Where `token` came from.
    public var tokenSource: Source?
    /// The email saved with the token ("" or nil when unknown).
    public var email: String?
    /// The configuration directory.
    public var directory: ConfigDirectory

    /// The default server.
    public static let defaultServer = "http://localhost:8000"

    /// Resolves the settings from options, the environment and the configuration directory.
    public static func resolve(
        environment: [String: String], directory: ConfigDirectory, server serverOption: String? = nil,
        token tokenOption: String? = nil
    ) throws -> ClientSettings {
        let server: String
        let serverSource: Source
        if let serverOption, !serverOption.isEmpty {
            (server, serverSource) = (serverOption, .option)
        } else if let value = environment["AGNES_SERVER"], !value.isEmpty {
            (server, serverSource) = (value, .environment)
        } else if let value = try directory.savedServer(), !value.isEmpty {
            (server, serverSource) = (value, .configFile)
        } else {
            (server, serverSource) = (defaultServer, .builtIn)
        }
        var settings = ClientSettings(
            server: try normalizedServer(server), serverSource: serverSource, token: nil, tokenSource: nil, email: nil,
            directory: directory)
        if let tokenOption, !tokenOption.isEmpty {
            settings.token = tokenOption
            settings.tokenSource = .option
        } else if let stored = try directory.savedToken(), !stored.accessToken.isEmpty {
            settings.token = stored.accessToken
            settings.tokenSource = .tokenFile
            settings.email = stored.email
        } else if let value = environment["AGNES_TOKEN"], !value.isEmpty {
            settings.token = value
            settings.tokenSource = .environment
        }
        return settings
    }

    /// The token, or a `not_configured` error saying how to get one.
    public func requireToken() throws -> String {
        guard let token else {
            throw ClientError(
                .notConfigured, "no token configured for \(server)",
                hint: "run agnes init --server-url URL, agnes auth login --email E, or set AGNES_TOKEN")
        }
        return token
    }

    /// Checks a server URL (`http(s)://host[:port][/path]`) and drops a trailing slash.
    public static func normalizedServer(_ text: String) throws -> String {
        var value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while value.hasSuffix("/") { value.removeLast() }
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil, components.user == nil
        else {
            throw ClientError(
                .usage, "not a server URL: \(text)",
                hint: "use http://host:port or https://host, e.g. https://agnes.example.com")
        }
        return value
    }
}
