/// A single HTTP byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`), as object stores honour it.
enum ByteRange {
    /// The bytes asked for within `size`; nil when unsatisfiable. A header naming several ranges (or not
    /// bytes) is ignored: the whole object.
    static func parse(_ header: String, size: Int) -> Range<Int>? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return 0..<size }
        let spec = header.dropFirst("bytes=".count).split(
            separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return 0..<size }
        if spec[0].isEmpty {
            guard let suffix = Int(spec[1]), suffix > 0, size > 0 else { return nil }
            return max(size - suffix, 0)..<size
        }
        guard let start = Int(spec[0]), start < size else { return nil }
        let end = spec[1].isEmpty ? size - 1 : min(Int(spec[1]) ?? -1, size - 1)
        guard end >= start else { return nil }
        return start..<(end + 1)
    }
}
