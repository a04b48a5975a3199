import Foundation

/// Resource limits of the query sandbox (DESIGN decision 5).
public struct SandboxLimits: Sendable, Hashable {
    /// DuckDB worker threads per sandbox.
    public var threads: Int
    /// DuckDB `memory_limit` per sandbox, e.g. `2GB`.
    public var memoryLimit: String
    /// How much a sandbox may spill to disk, e.g. `4GB`.
    public var maxTempDirectorySize: String
    /// Queries one sandbox runs at once (its connection pool); more wait for a free connection.
    public var connections: Int
    /// A statement running longer is interrupted.
    public var timeout: Duration
    /// Sandboxes kept open for reuse (one per distinct set of readable tables and generation).
    public var cachedSandboxes: Int

    /// Creates limits.
    public init(
        threads: Int = 2, memoryLimit: String = "2GB", maxTempDirectorySize: String = "4GB", connections: Int = 4,
        timeout: Duration = .seconds(30), cachedSandboxes: Int = 32
    ) {
        self.threads = threads
        self.memoryLimit = memoryLimit
        self.maxTempDirectorySize = maxTempDirectorySize
        self.connections = connections
        self.timeout = timeout
        self.cachedSandboxes = cachedSandboxes
    }
}
