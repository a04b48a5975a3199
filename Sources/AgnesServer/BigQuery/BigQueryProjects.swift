import AgnesConnectors
import AgnesCore
import Foundation
import Synchronization

/// The BigQuery projects the connector uses now: from the settings at start-up, replaced when an
/// admin configures BigQuery through `POST /api/admin/configure` (which also writes them for the next
/// start), so the next sync and query use them at once.
final class BigQueryProjects: Sendable {
    private let settings: BigQuerySettings
    private let configured = Mutex<(project: String, location: String?)?>(nil)

    init(settings: BigQuerySettings) {
        self.settings = settings
    }

    /// Uses this data (and billing) project from now on.
    func set(project: String, location: String?) {
        configured.withLock { $0 = (project, location) }
    }

    /// The connector's configuration, nil while no project is known.
    func configuration() -> BigQueryConfiguration? {
        let override = configured.withLock { $0 }
        guard let project = override?.project ?? settings.dataProject, !project.isEmpty else { return nil }
        return BigQueryConfiguration(
            apiBaseURL: settings.apiBaseURL, dataProject: project,
            billingProject: override == nil ? settings.billingProject : project,
            location: override.map { $0.location } ?? settings.location, maxScanBytes: settings.maxScanBytes,
            maxBytesPerMaterialize: settings.maxBytesPerMaterialize)
    }
}
