import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How a query sandbox reaches its files without telling the analyst where they are.
///
/// DuckDB shows the paths a database was given: in view definitions, `EXPLAIN ANALYZE`, error
/// messages, and in `current_setting('allowed_paths')` / `duckdb_settings()`, which no setting can
/// hide. So on Linux a sandbox is given no path of ours at all, only `/proc/self/fd/<n>`:
///
/// - at start, `DATA_DIR/tmp/sandbox/sealed/inner` is created and opened (a directory descriptor kept
///   for the life of the process), then `sealed` is made unsearchable (mode 000);
/// - each sandbox gets `inner/<uuid>/`: a hard link of each table's file and a spill directory, made
///   and opened through that descriptor (`linkat`, `openat`), and DuckDB reads
///   `/proc/self/fd/<n>` of those descriptors;
/// - DuckDB canonicalises every path it checks (`allowed_paths`, `allowed_directories`), but the
///   link's target lies under the unsearchable directory, so the canonical form stops at
///   `/proc/<pid>/fd/<n>`: the settings show that, and nothing else.
///
/// A process with `CAP_DAC_OVERRIDE` (root) searches any directory, so for it the canonical form is
/// the real path again: ``isSealed`` is false, the server warns at start, and the settings show the
/// hard links' paths under `DATA_DIR/tmp/sandbox` (view definitions, plans and errors still show only
/// descriptor paths). Run the server as an unprivileged user. Elsewhere than Linux (no `/proc`), the
/// sandbox reads the files by their paths.
///
/// The hard links also pin each file's content for the sandbox's life, whatever a later sync does to
/// the served file.
public final class SandboxFiles: Sendable {
    /// The directory that holds everything (`DATA_DIR/tmp/sandbox`).
    public let root: URL
    /// Whether paths under ``root`` stay hidden from DuckDB's canonicalisation (see above).
    public let isSealed: Bool
    /// `inner`, opened; -1 where descriptors are not used.
    let inner: Int32
    private let counter = Atomic<Int>(0)
    /// Told once when a file could not be linked into `inner` (another file system, or hard links
    /// refused) and is read through its own path, which then shows in the sandbox's settings.
    private let onUnlinkedFile: (@Sendable (String) -> Void)?
    private let toldUnlinked = Atomic<Bool>(false)

    /// Prepares `root` (removing what a previous process left there).
    public init(root: URL, onUnlinkedFile: (@Sendable (String) -> Void)? = nil) {
        self.root = root
        self.onUnlinkedFile = onUnlinkedFile
        Self.unseal(root)
        try? FileManager.default.removeItem(at: root)
        #if os(Linux)
            let sealed = root.appendingPathComponent("sealed")
            let innerURL = sealed.appendingPathComponent("inner")
            var descriptor: Int32 = -1
            if (try? FileManager.default.createDirectory(at: innerURL, withIntermediateDirectories: true)) != nil {
                descriptor = open(innerURL.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            }
            if descriptor >= 0 {
                chmod(sealed.path, 0)
                isSealed = access(innerURL.path, F_OK) != 0
            } else {
                isSealed = false
            }
            inner = descriptor
        #else
            isSealed = false
            inner = -1
        #endif
    }

    deinit {
        if inner >= 0 { close(inner) }
        Self.unseal(root)
        try? FileManager.default.removeItem(at: root)
    }

    /// Makes a previous process's sealed directory removable again.
    static func unseal(_ root: URL) {
        chmod(root.appendingPathComponent("sealed").path, 0o700)
    }

    /// The files of one sandbox: `files[i]` for `sources[i]`, and a spill directory. Blocking.
    public func mount(_ sources: [URL]) throws -> SandboxMount {
        guard inner >= 0 else {
            let spill = root.appendingPathComponent("plain/\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: spill, withIntermediateDirectories: true)
            return SandboxMount(files: sources.map(\.path), spill: spill.path, cleanup: .directory(spill), owner: self)
        }
        let name = "s\(counter.add(1, ordering: .relaxed).newValue)-\(UUID().uuidString.prefix(8))"
        guard mkdirat(inner, name, 0o700) == 0 else {
            throw SandboxFilesError("cannot create the sandbox directory: \(String(cString: strerror(errno)))")
        }
        guard mkdirat(inner, "\(name)/spill", 0o700) == 0 else {
            let reason = String(cString: strerror(errno))
            unlinkat(inner, name, AT_REMOVEDIR)
            throw SandboxFilesError("cannot create the sandbox's spill directory: \(reason)")
        }
        var descriptors: [Int32] = []
        var links: [String] = []
        do {
            for (index, source) in sources.enumerated() {
                let link = "\(name)/t\(index).parquet"
                let descriptor: Int32
                if linkat(AT_FDCWD, source.path, inner, link, 0) == 0 {
                    links.append(link)
                    descriptor = openat(inner, link, O_RDONLY | O_CLOEXEC)
                } else {
                    // Another file system (no hard link across them), or links refused: read the file itself.
                    let reason = String(cString: strerror(errno))
                    if let onUnlinkedFile, !toldUnlinked.exchange(true, ordering: .relaxed) {
                        onUnlinkedFile("\(source.lastPathComponent): \(reason)")
                    }
                    descriptor = open(source.path, O_RDONLY | O_CLOEXEC)
                }
                guard descriptor >= 0 else {
                    throw SandboxFilesError("cannot open a table's file: \(String(cString: strerror(errno)))")
                }
                descriptors.append(descriptor)
            }
            let spill = openat(inner, "\(name)/spill", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard spill >= 0 else {
                throw SandboxFilesError("cannot open the spill directory: \(String(cString: strerror(errno)))")
            }
            descriptors.append(spill)
        } catch {
            SandboxMount.release(.descriptors(inner: inner, directory: name, links: links, open: descriptors))
            throw error
        }
        return SandboxMount(
            files: descriptors.dropLast().map { "/proc/self/fd/\($0)" }, spill: "/proc/self/fd/\(descriptors.last!)",
            cleanup: .descriptors(inner: inner, directory: name, links: links, open: descriptors), owner: self)
    }
}

/// An error preparing a sandbox's files.
public struct SandboxFilesError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One sandbox's files: the paths DuckDB is given, kept valid until this is released.
public final class SandboxMount: Sendable {
    enum Cleanup: Sendable {
        case directory(URL)
        case descriptors(inner: Int32, directory: String, links: [String], open: [Int32])
    }

    /// The path of each file, in the order given.
    public let files: [String]
    /// The spill directory.
    public let spill: String
    let cleanup: Cleanup
    /// Keeps the sealed directory's descriptor open while this mount uses it.
    let owner: SandboxFiles

    init(files: [String], spill: String, cleanup: Cleanup, owner: SandboxFiles) {
        self.files = files
        self.spill = spill
        self.cleanup = cleanup
        self.owner = owner
    }

    deinit { Self.release(cleanup) }

    static func release(_ cleanup: Cleanup) {
        switch cleanup {
        case .directory(let url):
            try? FileManager.default.removeItem(at: url)
        case .descriptors(let inner, let directory, let links, let open):
            for descriptor in open { close(descriptor) }
            for link in links { unlinkat(inner, link, 0) }
            // What DuckDB left in the spill directory (it removes its files itself when it closes).
            let spill = openat(inner, "\(directory)/spill", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if spill >= 0, let stream = fdopendir(spill) {
                var names: [String] = []
                while let entry = readdir(stream) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                    if name != "." && name != ".." { names.append(name) }
                }
                for name in names { unlinkat(inner, "\(directory)/spill/\(name)", 0) }
                closedir(stream)
            } else if spill >= 0 {
                close(spill)
            }
            unlinkat(inner, "\(directory)/spill", AT_REMOVEDIR)
            unlinkat(inner, directory, AT_REMOVEDIR)
        }
    }
}
