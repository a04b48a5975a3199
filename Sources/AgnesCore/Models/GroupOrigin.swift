/// Where a group comes from, as the admin API reports it (`origin`, REFERENCE §1.11).
public enum GroupOrigin: String, Sendable, Hashable, Codable, CaseIterable {
    /// A seeded system group (`Admin`, `Everyone`) not mapped to a Workspace group, or a group made by
    /// another `system:` writer.
    case system
    /// Created by an admin.
    case custom
    /// Owned by Google Workspace sync: created by it, or a system group mapped to a Workspace group.
    case googleSync = "google_sync"
}
