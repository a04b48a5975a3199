import AgnesClient
import Foundation

/// Writes the corporate-memory bundle as Claude Code rules (REFERENCE §2.3 step 7):
/// `.claude/rules/km_<id>.md` per mandatory item, `km_approved.md` with every approved item, and
/// deletes `km_*.md` files of items no longer in the bundle. The directory is created only when
/// there is something to write.
public struct MemoryRules: Sendable {
    /// The workspace.
    public let workspace: Workspace

    /// Creates a writer.
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// Writes `bundle`; returns how many items the rules hold.
    @discardableResult
    public func write(_ bundle: MemoryBundle) throws -> Int {
        var files: [String: String] = [:]
        for item in bundle.mandatory where Self.isValidID(item.id) {
            files["km_\(item.id).md"] = Self.mandatoryText(item)
        }
        if !bundle.approved.isEmpty {
            files["km_approved.md"] = Self.approvedText(bundle.approved)
        }
        let directory = workspace.rulesDirectory
        if !files.isEmpty { try AtomicFile.createDirectory(directory) }
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.contents(atPath: url.path) == Data(text.utf8) { continue }
            try AtomicFile.write(text, to: url)
        }
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in existing where name.hasPrefix("km_") && name.hasSuffix(".md") && files[name] == nil {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
        return files.count - (files["km_approved.md"] == nil ? 0 : 1) + bundle.approved.count
    }

    static func mandatoryText(_ item: MemoryItem) -> String {
        var lines = ["# \(item.title)"]
        if let domain = item.domain, !domain.isEmpty { lines.append("_Domain: \(domain)_") }
        if let category = item.category, !category.isEmpty { lines.append("_Category: \(category)_") }
        lines += ["", item.content, ""]
        return lines.joined(separator: "\n")
    }

    static func approvedText(_ items: [MemoryItem]) -> String {
        var text = "# Approved Corporate Knowledge\n"
        for item in items {
            text += "\n## \(item.title)\n\n\(item.content)\n"
        }
        return text
    }

    /// `^[a-zA-Z0-9_\-]{1,128}$`: ids that name a file safely.
    static func isValidID(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.unicodeScalars.allSatisfy {
                switch $0 {
                case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
                default: false
                }
            }
    }
}
