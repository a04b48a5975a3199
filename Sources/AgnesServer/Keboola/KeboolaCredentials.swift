import AgnesConnectors
import AgnesCore
import Foundation
import Synchronization

/// The Keboola stack and token the connector uses now: from the settings and the environment at
/// start-up, replaced when an admin configures Keboola through `POST /api/admin/configure` (which
/// also writes them for the next start), so a sync after the configure call uses them at once.
final class KeboolaCredentials: Sendable {
    private let settings: KeboolaSettings
    private let environment: [String: String]
    private let configured = Mutex<(url: String, token: String)?>(nil)

    init(settings: KeboolaSettings, environment: [String: String]) {
        self.settings = settings
        self.environment = environment
    }

    /// Uses this stack and token from now on.
    func set(url: String, token: String) {
        configured.withLock { $0 = (url, token) }
    }

    /// The connector's configuration, nil while no stack URL or no token is known.
    func configuration() -> KeboolaConfiguration? {
        let variable = settings.tokenVariable
        let override = configured.withLock { $0 }
        guard
            let url = override?.url ?? settings.stackURL,
            let token = override?.token ?? environment[variable] ?? ProcessInfo.processInfo.environment[variable],
            !url.isEmpty, !token.isEmpty
        else { return nil }
        return KeboolaConfiguration(
            stackURL: url, token: token, tokenVariable: variable, s3Endpoint: settings.s3Endpoint,
            gcsEndpoint: settings.gcsEndpoint, parallelism: settings.parallelism,
            exportTimeout: .seconds(settings.exportTimeoutSeconds),
            pollInterval: .milliseconds(Int(settings.pollIntervalSeconds * 1000)),
            maxPollInterval: .seconds(max(settings.pollIntervalSeconds, 10)),
            materializeLockTTL: .seconds(settings.materializeLockTTLSeconds), remoteMaxRows: settings.remoteMaxRows,
            compactionShare: settings.compactionShare)
    }
}
