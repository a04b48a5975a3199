import Foundation

/// Everything the fake holds, behind the one lock of ``FakeKeboola``.
struct KeboolaState {
    var token: String
    var provider: FakeKeboola.Provider
    var baseURL = ""
    var now = KeboolaDate.epoch
    var rowsPerSlice = 3
    var pollsUntilDone = 2
    var tables: [String: StoredTable] = [:]
    var jobs: [Int: ExportJob] = [:]
    var files: [Int: ExportFile] = [:]
    var objects: [ObjectAddress: StoredObject] = [:]
    /// Federation credentials handed out, by access key id, with the `bucket/prefix` each may read.
    var awsCredentials: [String: (credential: SigV4Credential, scope: String)] = [:]
    /// GCS access tokens handed out, with the `bucket/prefix` each may read.
    var gcsTokens: [String: String] = [:]
    var injections: [Injection] = []
    var requests: [FakeKeboolaRequest] = []
    var nextJobID = 22_070_936
    var nextFileID = 192_611_594
    var nextMetadataID = 207_947_778
    /// Workspaces by id, and the Query Service's jobs by id.
    var workspaces: [Int64: FakeKeboolaWorkspace] = [:]
    var nextWorkspaceID: Int64 = 1_057_301
    var queryJobs: [String: QueryJob] = [:]
    var nextQueryJob = 1
    /// The project's default branch (`GET /v2/storage/dev-branches/`).
    let defaultBranchID: Int64 = 5012
    /// Holds query submissions while a test asks it to.
    var queryGate = QueryGate()
    /// Whether the API index lists the Query Service (stacks without it exist: older or non-Snowflake ones).
    var hasQueryService = true
    /// The fake's own key for presigned URLs (S3 SigV4, GCS `X-Goog-Signature`, Azure SAS `sig`).
    let signingKey = SigV4Credential(accessKeyID: "AKIAFAKEKEBOOLAFILES", secretAccessKey: KeboolaState.random(40))

    init(token: String, provider: FakeKeboola.Provider) {
        self.token = token
        self.provider = provider
        awsCredentials[signingKey.accessKeyID] = (signingKey, "")
    }

    /// Advances the clock one second and returns the new time.
    mutating func tick() -> Date {
        now = now.addingTimeInterval(1)
        return now
    }

    mutating func nextMetadata(_ entry: FakeKeboolaMetadata, at time: Date) -> StoredMetadata {
        nextMetadataID += 1
        return StoredMetadata(id: nextMetadataID, entry: entry, timestamp: time)
    }

    /// Takes the first injection matching `path` that `applies` accepts, counting it down.
    mutating func takeInjection(path: String, applies: (FakeKeboolaFailure) -> Bool) -> FakeKeboolaFailure? {
        guard let index = injections.firstIndex(where: { path.contains($0.pathContains) && applies($0.failure) }) else {
            return nil
        }
        injections[index].remaining -= 1
        let failure = injections[index].failure
        if injections[index].remaining <= 0 { injections.remove(at: index) }
        return failure
    }

    static func random(
        _ count: Int, alphabet: String = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    )
        -> String
    {
        let characters = Array(alphabet)
        return String((0..<count).map { _ in characters.randomElement()! })
    }
}
