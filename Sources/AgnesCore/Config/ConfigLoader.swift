import Logging

/// Builds ``AgnesSettings`` from the environment and the configuration files it points at.
///
/// The steps, each of which may throw a ``ConfigError`` naming the file, key or variable at fault:
/// 1. `DATA_DIR/state/.env_overlay` is applied under `environment` (the real environment wins).
/// 2. `CONFIG_DIR/instance.yaml` is parsed and its strings interpolated with `${NAME}` from that
///    environment; unset variables become `""` with a warning.
/// 3. `DATA_DIR/state/instance.yaml`, the overlay that admin saves write, is parsed and deep-merged over
///    it. It is not interpolated: whoever edits it through the UI must not be able to read server
///    environment variables back by writing `${JWT_SECRET_KEY}` into a field.
/// 4. Both files' `config_version` (1 if present) and the known sections' kinds are checked; missing
///    required keys are only warnings, so the server also starts with no files at all (demo mode).
/// 5. The typed settings are decoded and validated.
public enum ConfigLoader {
    /// Loads and validates the settings; `environment` also gives the file-system roots
    /// (`DATA_DIR`, default `./data`; `CONFIG_DIR`, default `./config`).
    ///
    /// ```swift
    /// let settings = try ConfigLoader.load(environment: ProcessInfo.processInfo.environment, logger: logger)
    /// ```
    public static func load(environment: [String: String], logger: Logger) throws(ConfigError) -> AgnesSettings {
        let dataDir = EnvironmentReader(environment: environment).string("DATA_DIR") ?? "./data"
        let overlay = try EnvironmentOverlay.load(path: ConfigFile.path(dataDir, "state", ".env_overlay"))
        let env = EnvironmentReader(environment: overlay.applied(under: environment))
        let configDir = env.string("CONFIG_DIR") ?? "./config"

        let staticFile = ConfigFile.path(configDir, "instance.yaml")
        let overlayFile = ConfigFile.path(dataDir, "state", "instance.yaml")
        var layers: [ConfigReader.Layer] = []
        if let tree = try loadYAML(at: staticFile) {
            let interpolated = EnvironmentInterpolator(environment: env.environment)
                .interpolate(tree, file: staticFile, logger: logger)
            layers.append(.init(file: staticFile, tree: interpolated))
        } else {
            let message: Logger.Message = "\(staticFile) not found; starting with defaults (demo mode)"
            logger.warning(message, metadata: ["file": "\(staticFile)"])
        }
        if let tree = try loadYAML(at: overlayFile) {
            layers.append(.init(file: overlayFile, tree: tree))
        }
        for layer in layers {
            try InstanceConfigSchema.checkVersion(of: layer.tree, file: layer.file)
        }
        let config = ConfigReader(layers: layers)
        try InstanceConfigSchema.checkShape(of: config)
        let missing = try InstanceConfigSchema.missingKeys(in: config)
        if !layers.isEmpty, !missing.isEmpty {
            logger.warning(
                "\(staticFile): missing required keys \(missing.joined(separator: ", ")); using defaults",
                metadata: ["file": "\(staticFile)", "keys": .array(missing.map { "\($0)" })]
            )
        }

        let settings = try AgnesSettings(
            environment: env,
            config: config,
            dataDir: dataDir,
            configDir: configDir,
            logger: logger
        )
        logger.info(
            "configuration loaded",
            metadata: [
                "data_dir": "\(dataDir)", "config_dir": "\(configDir)",
                "files": .array(layers.map { "\($0.file)" }), "data_source": "\(settings.dataSourceType.rawValue)",
            ]
        )
        return settings
    }

    private static func loadYAML(at path: String) throws(ConfigError) -> ConfigValue? {
        guard let text = try ConfigFile.contents(atPath: path) else { return nil }
        return try ConfigValue.parseYAML(text, file: path)
    }
}
