import AgnesData
import Foundation
import Synchronization

/// The manifest's `assets` (REFERENCE §1.4): `docs.hash`, the newest modification time (whole seconds)
/// under `DATA_DIR/docs`, and `profiles.hash`, the MD5 of `DATA_DIR/src_data/metadata/profiles.json`,
/// each only when present. Looked up at most every few seconds.
struct ManifestAssets: Encodable, Sendable {
    struct Asset: Encodable, Sendable {
        let hash: String
    }

    let docs: Asset?
    let profiles: Asset?

    private static let cache = Mutex<(at: Date, layout: URL, value: ManifestAssets)?>(nil)
    static let lifetime: TimeInterval = 5

    static func current(layout: DataLayout, now: Date = Date()) -> ManifestAssets {
        if let cached = cache.withLock({ $0 }), cached.layout == layout.root,
            now.timeIntervalSince(cached.at) < lifetime
        {
            return cached.value
        }
        let value = read(layout: layout)
        cache.withLock { $0 = (now, layout.root, value) }
        return value
    }

    static func read(layout: DataLayout) -> ManifestAssets {
        let manager = FileManager.default
        var docs: Asset?
        let docsDirectory = layout.root.appendingPathComponent("docs")
        if let walker = manager.enumerator(at: docsDirectory, includingPropertiesForKeys: [.contentModificationDateKey])
        {
            var newest: Date?
            for case let url as URL in walker {
                if let modified = try? url.resourceValues(forKeys: [.contentModificationDateKey])
                    .contentModificationDate,
                    modified > (newest ?? .distantPast)
                {
                    newest = modified
                }
            }
            if let newest { docs = Asset(hash: String(Int(newest.timeIntervalSince1970))) }
        }
        let profilesFile = layout.root.appendingPathComponent("src_data/metadata/profiles.json")
        let profiles = (try? Publisher.md5(of: profilesFile)).map { Asset(hash: $0.md5) }
        return ManifestAssets(docs: docs, profiles: profiles)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(docs, forKey: .docs)
        try container.encodeIfPresent(profiles, forKey: .profiles)
    }

    enum CodingKeys: String, CodingKey { case docs, profiles }
}
