import Foundation

/// How sync runs behave, from the `sync` section of `instance.yaml`.
public struct SyncSettings: Sendable, Hashable {
    /// Where a JSON POST goes when a run has failures (`sync.alert_webhook_url`), nil for none.
    public var alertWebhookURL: URL?
    /// How long one connector may take in a run before it is stopped and its tables recorded as failed
    /// (`sync.connector_timeout_seconds`, 1,800 as the original's extractor subprocess).
    public var connectorTimeoutSeconds: Int
    /// How long run history is kept (`sync.history_retention_days`).
    public var historyRetentionDays: Int

    /// Creates settings with the defaults.
    public init(alertWebhookURL: URL? = nil, connectorTimeoutSeconds: Int = 1800, historyRetentionDays: Int = 30) {
        self.alertWebhookURL = alertWebhookURL
        self.connectorTimeoutSeconds = connectorTimeoutSeconds
        self.historyRetentionDays = historyRetentionDays
    }

    /// Reads the section, using the defaults for missing keys.
    init(config: ConfigReader) throws(ConfigError) {
        let defaults = SyncSettings()
        var webhook: URL?
        if let text = try config.string(at: ["sync", "alert_webhook_url"]) {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else {
                throw .invalidValue(
                    file: config.file(for: ["sync", "alert_webhook_url"]), key: "sync.alert_webhook_url",
                    expected: "an http or https URL", got: .string(text))
            }
            webhook = url
        }
        self.init(
            alertWebhookURL: webhook,
            connectorTimeoutSeconds: try config.positiveInt(
                "sync.connector_timeout_seconds", default: defaults.connectorTimeoutSeconds),
            historyRetentionDays: try config.positiveInt(
                "sync.history_retention_days", default: defaults.historyRetentionDays))
    }
}
