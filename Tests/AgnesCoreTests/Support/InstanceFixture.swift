import AgnesTestSupport

@testable import AgnesCore

/// A temporary instance layout: `config/` (CONFIG_DIR) and `data/` (DATA_DIR) side by side.
struct InstanceFixture {
    let root: TemporaryDirectory
    let recorder = LogRecorder()

    init() throws {
        root = try TemporaryDirectory()
    }

    var configDir: String { root.path("config") }
    var dataDir: String { root.path("data") }
    var staticFile: String { configDir + "/instance.yaml" }
    var overlayFile: String { dataDir + "/state/instance.yaml" }
    var envOverlayFile: String { dataDir + "/state/.env_overlay" }

    func writeStatic(_ yaml: String) throws { try root.write(yaml, to: "config/instance.yaml") }
    func writeOverlay(_ yaml: String) throws { try root.write(yaml, to: "data/state/instance.yaml") }
    func writeEnvOverlay(_ text: String) throws { try root.write(text, to: "data/state/.env_overlay") }

    /// The environment pointing at this layout, plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["DATA_DIR": dataDir, "CONFIG_DIR": configDir].merging(extra) { _, new in new }
    }

    /// Runs the loader against this layout with `extra` environment variables.
    func load(_ extra: [String: String] = [:]) throws(ConfigError) -> AgnesSettings {
        try ConfigLoader.load(environment: environment(extra), logger: recorder.logger)
    }
}
