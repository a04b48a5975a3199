import AgnesClient
import Foundation

/// What a pull has to do, decided from the manifest, the saved state and one `stat` per file — no
/// network, no hashing, so it is cheap and testable on its own.
public struct PullPlan: Sendable, Equatable {
    /// Why a table is fetched.
    public enum Reason: String, Sendable, Codable {
        /// Not in the workspace yet.
        case new
        /// The server has other content.
        case changed
        /// Recorded, but its file is gone.
        case missing
        /// The manifest has no hash for it: always fetched.
        case unhashed
        /// Its file changed behind the CLI's back and its content does not match.
        case damaged
    }

    /// A table to fetch.
    public struct Fetch: Sendable, Equatable {
        /// The table id.
        public var table: String
        /// Why.
        public var reason: Reason
        /// The manifest entry.
        public var entry: ManifestTable
    }

    /// Tables to fetch, by id order.
    public var fetches: [Fetch] = []
    /// Tables whose file changed since it was written although the hash is current: their content is
    /// hashed before deciding (they join `fetches` as `damaged` when it does not match).
    public var suspects: [String] = []
    /// Tables already current.
    public var current: [String] = []
    /// Remote tables (queried on the server, never downloaded).
    public var remote: [String] = []
    /// Files to delete: tables no longer in the manifest (revoked or unregistered) or now remote.
    public var removals: [String] = []
    /// Manifest ids that cannot name a file, with the reason.
    public var invalid: [String] = []
    /// Tables the manifest lists for download (REFERENCE's `parquets_total`).
    public var localCount: Int { fetches.count + suspects.count + current.count }

    /// Plans a pull. `stamp` stats a table's file; `present` lists the table ids with a file in
    /// `server/parquet/` (for removals). With `verify`, every current file is a suspect.
    public static func make(
        manifest: [String: ManifestTable], state: SyncState, present: Set<String>, verify: Bool = false,
        stamp: (String) -> FileStamp?
    ) -> PullPlan {
        var plan = PullPlan()
        var wanted = Set<String>()
        for id in manifest.keys.sorted() {
            let entry = manifest[id]!
            guard Workspace.isValidTableID(id) else {
                plan.invalid.append(id)
                continue
            }
            guard entry.isDownloaded else {
                plan.remote.append(id)
                continue
            }
            wanted.insert(id)
            guard let recorded = state.tables[id] else {
                // A file without a record (state lost): its content decides.
                if !entry.hash.isEmpty, stamp(id) != nil {
                    plan.suspects.append(id)
                } else {
                    plan.fetches.append(Fetch(table: id, reason: .new, entry: entry))
                }
                continue
            }
            if entry.hash.isEmpty {
                plan.fetches.append(Fetch(table: id, reason: .unhashed, entry: entry))
            } else if recorded.hash.lowercased() != entry.hash.lowercased() {
                plan.fetches.append(Fetch(table: id, reason: .changed, entry: entry))
            } else if let found = stamp(id) {
                let unchanged =
                    found.size == recorded.sizeBytes && found.modifiedNanoseconds == recorded.modifiedNanoseconds
                if unchanged && !verify { plan.current.append(id) } else { plan.suspects.append(id) }
            } else {
                plan.fetches.append(Fetch(table: id, reason: .missing, entry: entry))
            }
        }
        plan.removals = present.subtracting(wanted).sorted()
        return plan
    }
}
