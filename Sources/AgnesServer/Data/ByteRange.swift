import Foundation

/// A single byte range of a `Range: bytes=…` request header (RFC 9110 §14.1.2), resolved against
/// the size of the representation.
enum ByteRange: Equatable {
    /// Serve the whole representation (no header, a header we do not act on, or several ranges).
    case whole
    /// Serve these bytes (inclusive bounds, within the representation).
    case part(ClosedRange<Int64>)
    /// No byte of the range exists: 416 with `Content-Range: bytes */<size>`.
    case unsatisfiable

    /// Resolves `header` for a representation of `size` bytes. `bytes=N-`, `bytes=N-M` and `bytes=-S`
    /// are honoured; a syntactically invalid header or a list of ranges is ignored (the whole
    /// representation is served, as RFC 9110 allows).
    static func parse(_ header: String?, size: Int64) -> ByteRange {
        guard let header else { return .whole }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = trimmed.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        guard first.allSatisfy(\.isASCIIDigit), last.allSatisfy(\.isASCIIDigit), !(first.isEmpty && last.isEmpty)
        else { return .whole }
        if first.isEmpty {
            // The last S bytes.
            guard let suffix = Int64(last) else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - suffix)...(size - 1))
        }
        guard let start = Int64(first) else { return .unsatisfiable }
        guard start < size else { return .unsatisfiable }
        guard !last.isEmpty else { return .part(start...(size - 1)) }
        guard let end = Int64(last) else { return .part(start...(size - 1)) }  // beyond Int64: to the end
        guard end >= start else { return .whole }
        return .part(start...min(end, size - 1))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
