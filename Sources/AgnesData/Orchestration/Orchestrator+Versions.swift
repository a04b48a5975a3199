import AgnesCore
import DuckDB
import Foundation
import Logging
import Synchronization

extension Orchestrator {
    /// What a collection pass found in one source's data directory that lets the next pass skip it.
    struct CollectionMemo: Sendable, Hashable {
        /// Extract, data directory and `.versions` stamps: any publish or new extract changes one of them.
        let fingerprint: String
    }

    /// Deletes the versions of published files that nothing uses any more (see ``VersionCollector``), in
    /// every source that has an extract. Never fails the rebuild: problems are logged. Blocking.
    func collectUnusedVersions() -> [URL] {
        let collector = VersionCollector(retention: retention)
        var scratch: Connection?
        // Asked at most once per pass, and only when some version is due.
        var hasAskedGenerations = false
        var openVersions: Set<String>?
        let inUse = { () -> Set<String>? in
            if hasAskedGenerations { return openVersions }
            hasAskedGenerations = true
            openVersions = []
            for generation in self.analytics.openGenerations {
                guard let names = generation.versionFileNames() else {
                    openVersions = nil
                    break
                }
                openVersions?.formUnion(names)
            }
            return openVersions
        }
        var removed: [URL] = []
        for (name, file) in layout.extractFiles() {
            guard let source = Identifier(name) else { continue }
            let data = layout.dataDirectory(source)
            let versions = layout.versionsDirectory(source)
            guard FileManager.default.fileExists(atPath: versions.path) else { continue }
            let extractStamp = SourceSignature.stamp(file)
            let fingerprint = [
                extractStamp, SourceSignature.stamp(data), SourceSignature.stamp(versions),
            ]
            .joined(separator: "|")
            if collectionMemos.withLock({ $0[name] }) == CollectionMemo(fingerprint: fingerprint) { continue }
            let referenced: Set<String>
            if let entry = inspectionCache.entry(source: name, extractStamp: extractStamp) {
                referenced = entry.versionFiles
            } else {
                // The build did not read the extract as it is now: read what it lists.
                do {
                    if scratch == nil { scratch = try Database(options: ["threads": "1"]).connect() }
                    referenced = try Self.versionFiles(of: file, source: source, on: scratch!)
                } catch {
                    // The rebuild reports the unreadable extract; its versions wait until it is readable.
                    logger.debug(
                        "versions of \(name) not collected: its extract cannot be read",
                        metadata: ["error": "\(AnalyticsBuilder.describe(error))"])
                    continue
                }
            }
            do {
                let outcome = try collector.collect(
                    dataDirectory: data, referenced: Set(referenced.map { URL(fileURLWithPath: $0).lastPathComponent }),
                    inUse: inUse)
                removed += outcome.removed
                collectionMemos.withLock {
                    $0[name] = outcome.isSettled ? CollectionMemo(fingerprint: fingerprint) : nil
                }
            } catch {
                logger.warning("versions of \(name) not collected", metadata: ["error": "\(error)"])
            }
        }
        if !removed.isEmpty {
            logger.info(
                "unused versions deleted",
                metadata: ["count": "\(removed.count)", "files": "\(removed.map(\.lastPathComponent))"])
        }
        return removed
    }

    private static func versionFiles(of extract: URL, source: Identifier, on connection: Connection) throws -> Set<
        String
    > {
        try connection.execute("ATTACH \(SQLText.literal(extract.path)) AS \(source.quoted) (READ_ONLY)")
        defer { try? connection.execute("DETACH \(source.quoted)") }
        return try ExtractInspector.versionFiles(of: [source], on: connection)
    }
}
