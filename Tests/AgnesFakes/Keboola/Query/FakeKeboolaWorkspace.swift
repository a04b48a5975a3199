/// A workspace of the fake (`POST /v2/storage/workspaces`): a read-only Snowflake workspace.
public struct FakeKeboolaWorkspace: Sendable, Hashable {
    /// The workspace id.
    public let id: Int64
    /// `snowflake`.
    public let backend: String
    /// Whether it reads the project's storage directly (`readOnlyStorageAccess`).
    public let readOnlyStorageAccess: Bool
}
