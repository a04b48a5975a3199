/// Connection limits of the HTTP server, from the `server.http` section: what keeps a flood of
/// half-open or idle sockets from taking the server down.
public struct HTTPLimits: Sendable, Hashable {
    /// Seconds a new connection may take to send its first request's complete header
    /// (`server.http.header_timeout_seconds`); then it is answered 408 and closed.
    public var headerTimeoutSeconds: Int
    /// Seconds a connection may stay silent: between requests, or while a request body is awaited
    /// (`server.http.idle_timeout_seconds`).
    public var idleTimeoutSeconds: Int
    /// Connections open at once (`server.http.max_connections`); one more is answered 503 and closed.
    public var maxConnections: Int

    /// Creates limits; the defaults are 10 s, 75 s and 1,024 connections.
    public init(headerTimeoutSeconds: Int = 10, idleTimeoutSeconds: Int = 75, maxConnections: Int = 1024) {
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
    }

    /// Reads the section, using the defaults for missing keys.
    init(config: ConfigReader) throws(ConfigError) {
        let defaults = HTTPLimits()
        self.init(
            headerTimeoutSeconds: try config.positiveInt(
                "server.http.header_timeout_seconds", default: defaults.headerTimeoutSeconds),
            idleTimeoutSeconds: try config.positiveInt(
                "server.http.idle_timeout_seconds", default: defaults.idleTimeoutSeconds),
            maxConnections: try config.positiveInt("server.http.max_connections", default: defaults.maxConnections))
    }
}
