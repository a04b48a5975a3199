import Foundation

/// A web origin (scheme, host, port) with the default port filled in, for same-origin checks.
struct WebOrigin: Hashable, Sendable {
    var scheme: String
    var host: String
    var port: Int

    /// Parses an `Origin` value or a full URL (a `Referer`); nil for `null`, non-HTTP schemes and junk.
    init?(url text: String) {
        guard let components = URLComponents(string: text.trimmedOfWhitespace),
            let scheme = components.scheme?.lowercased(), let defaultPort = Self.defaultPort(scheme),
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? defaultPort
    }

    /// Parses a configured origin (`https://app.example.com`; a trailing `/` or the default port is
    /// fine); nil when it has a path, query, fragment or user, or is not http(s) — `*` included.
    init?(origin text: String) {
        guard let components = URLComponents(string: text.trimmedOfWhitespace),
            components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { return nil }
        self.init(url: text)
    }

    /// The origin as browsers send it in `Origin`: `scheme://host`, and `:port` unless it is the
    /// scheme's default.
    var serialized: String {
        let host = self.host.contains(":") && !self.host.hasPrefix("[") ? "[\(self.host)]" : self.host
        return port == Self.defaultPort(scheme) ? "\(scheme)://\(host)" : "\(scheme)://\(host):\(port)"
    }

    /// Whether this origin names the server reached through `Host: authority`. The request's own scheme
    /// is not compared: behind a TLS-terminating proxy the server cannot know it, and a page served from
    /// our own host name is not cross-site.
    func matches(authority: String) -> Bool {
        guard let components = URLComponents(string: "\(scheme)://\(authority.trimmedOfWhitespace)"),
            let host = components.host?.lowercased(), components.path.isEmpty, components.user == nil
        else { return false }
        return host == self.host && (components.port ?? Self.defaultPort(scheme)) == port
    }

    static func defaultPort(_ scheme: String) -> Int? {
        switch scheme {
        case "http": 80
        case "https": 443
        default: nil
        }
    }
}
