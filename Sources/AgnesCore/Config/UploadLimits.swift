/// Limits of the upload endpoints, from the `api.upload` section.
public struct UploadLimits: Sendable, Hashable {
    /// Largest file `POST /api/upload/table` accepts, in bytes (`api.upload.max_table_bytes`).
    public var maxTableBytes: Int

    /// Creates limits; the default is 512 MiB per table file.
    public init(maxTableBytes: Int = 512 * 1024 * 1024) {
        self.maxTableBytes = maxTableBytes
    }

    /// Reads the section, using the defaults for missing keys.
    init(config: ConfigReader) throws(ConfigError) {
        let defaults = UploadLimits()
        self.init(maxTableBytes: try config.positiveInt("api.upload.max_table_bytes", default: defaults.maxTableBytes))
    }
}
