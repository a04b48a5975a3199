/// This build: what `agnes --version`, `/api/version` and `/api/health/detailed` report.
public enum AgnesBuild {
    /// The version string (`AGNES_VERSION` overrides it on the server, for images built elsewhere).
    public static let version = "0.2.0"
}
