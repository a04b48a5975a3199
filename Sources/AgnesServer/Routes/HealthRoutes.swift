import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `GET /api/health` and `GET /api/version` (REFERENCE §1.3), both anonymous, and
/// `GET /api/health/detailed` (any signed-in user, ``DetailedHealth``).
struct HealthRoutes {
    let services: AgnesServices

    struct Health: Encodable {
        let status: String
        let dbSchema: String
        let current: Int?
        let expected: Int
        let detail: String?

        enum CodingKeys: String, CodingKey {
            case status, current, expected, detail
            case dbSchema = "db_schema"
        }
    }

    struct Version: Encodable {
        let version: String
        let channel: String?
        let imageTag: String?
        let commitSHA: String?
        let schemaVersion: Int
        let deployedAt: String

        enum CodingKeys: String, CodingKey {
            case version, channel
            case imageTag = "image_tag"
            case commitSHA = "commit_sha"
            case schemaVersion = "schema_version"
            case deployedAt = "deployed_at"
        }

        /// Unset build metadata is `null`, not absent: clients read every key.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(channel, forKey: .channel)
            try container.encode(imageTag, forKey: .imageTag)
            try container.encode(commitSHA, forKey: .commitSHA)
            try container.encode(schemaVersion, forKey: .schemaVersion)
            try container.encode(deployedAt, forKey: .deployedAt)
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/health") { _, _ in
            let health = await services.store.health()
            // Always 200: the body says whether the install is healthy.
            return JSONBody.response(
                object: Health(
                    status: health.status == "ok" ? "ok" : "unhealthy", dbSchema: health.status,
                    current: health.current,
                    expected: health.expected, detail: health.error))
        }
        router.get("/api/version") { _, _ in
            JSONBody.response(object: version)
        }
        router.get("/api/health/detailed") { request, context in
            let caller = try await services.caller(request, context)
            return JSONBody.response(
                object: await DetailedHealth.gather(services: services, caller: caller, version: version))
        }
    }

    /// This build and deployment: `AGNES_VERSION` (else the build's own version), channel, image tag,
    /// commit, schema version and start time.
    var version: Version {
        let environment = services.settings.environment
        return Version(
            version: environment["AGNES_VERSION"] ?? AgnesBuild.version,
            channel: environment["RELEASE_CHANNEL"],
            imageTag: environment["AGNES_TAG"], commitSHA: environment["AGNES_COMMIT_SHA"],
            schemaVersion: SystemStore.schemaVersion,
            deployedAt: services.startedAt.wireText)
    }
}
