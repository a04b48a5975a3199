/// The structural rules of `instance.yaml` that hold before any module reads its own section.
enum InstanceConfigSchema {
    /// The only `config_version` this build understands.
    static let supportedVersion = 1

    /// Sections that must be objects when present (an empty YAML section is null, which is fine).
    static let objectSections: [[String]] = [
        ["instance"], ["server"], ["deployment"], ["auth"], ["theme"], ["data_source"],
        ["data_source", "keboola"], ["data_source", "bigquery"], ["email"], ["desktop"], ["telegram"],
        ["jira"], ["ai"], ["openmetadata"], ["corporate_memory"], ["groups"], ["users"],
        ["username_mapping"], ["datasets"], ["catalog"], ["profiler"], ["remote_query"], ["api"],
        ["api", "scan"], ["materialize"], ["sync"], ["scheduler"], ["scheduler", "jobs"],
    ]

    /// Sections that must be lists when present.
    static let listSections: [[String]] = [["admins"]]

    /// Keys the original required to be non-empty; here their absence is only a warning (demo mode).
    static let requiredValues: [[String]] = [
        ["instance", "name"], ["auth", "allowed_domain"], ["server", "host"], ["server", "hostname"],
    ]

    /// Keys the original required to be present, possibly empty (an unset `${ENV}` still counts).
    static let requiredPresent: [[String]] = [["auth", "webapp_secret_key"]]

    /// Checks one file's `config_version`, which may be absent.
    static func checkVersion(of tree: ConfigValue, file: String) throws(ConfigError) {
        guard let version = tree["config_version"], !version.isNull else { return }
        let number = version.intValue ?? version.stringValue.flatMap { Int($0) }
        guard number == supportedVersion else {
            throw ConfigError(
                code: .unsupportedVersion,
                message: "\(file): config_version: expected \(supportedVersion), got \(version.excerpt)"
            )
        }
    }

    /// Checks the kinds of the known sections and of the required keys.
    static func checkShape(of config: ConfigReader) throws(ConfigError) {
        for path in objectSections {
            _ = try config.object(at: path)
        }
        for path in listSections {
            _ = try config.list(at: path)
        }
        for path in requiredValues + requiredPresent {
            _ = try config.string(at: path)
        }
    }

    /// The dotted paths of required keys that are missing from the merged configuration.
    static func missingKeys(in config: ConfigReader) throws(ConfigError) -> [String] {
        var missing: [String] = []
        for path in requiredValues where try config.string(at: path) == nil {
            missing.append(ConfigValue.dottedPath(path))
        }
        for path in requiredPresent where config.merged.lookup(path) == nil {
            missing.append(ConfigValue.dottedPath(path))
        }
        return missing
    }
}
