#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address as bytes; IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) become IPv4 so a
/// dual-stack socket's peer matches an IPv4 proxy entry.
struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 or 16 bytes, network order.
    let bytes: [UInt8]

    /// Parses `1.2.3.4`, `::1`, `fe80::1%eth0` and, when `allowsPort`, `[::1]` and a `:port` suffix where
    /// that is unambiguous (`1.2.3.4:80`, `[::1]:80`). Nil for anything else, including host names.
    init?(_ text: some StringProtocol, allowsPort: Bool = true) {
        var candidate = text.trimmedOfWhitespace
        if allowsPort { candidate = Self.strippingPort(candidate) }
        if let zone = candidate.firstIndex(of: "%") { candidate = String(candidate[..<zone]) }
        guard !candidate.isEmpty, candidate.utf8.count <= 64 else { return nil }
        if let v4 = Self.parse(candidate, family: AF_INET, size: 4) {
            bytes = v4
        } else if let v6 = Self.parse(candidate, family: AF_INET6, size: 16) {
            let isMapped = v6[0..<10].allSatisfy { $0 == 0 } && v6[10] == 0xff && v6[11] == 0xff
            bytes = isMapped ? Array(v6[12...]) : v6
        } else {
            return nil
        }
    }

    var isIPv4: Bool { bytes.count == 4 }

    var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    private static func strippingPort(_ text: String) -> String {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            return String(text[..<colon])
        }
        return text
    }

    private static func parse(_ text: String, family: Int32, size: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: size)
        let status = buffer.withUnsafeMutableBytes { raw in inet_pton(family, text, raw.baseAddress) }
        return status == 1 ? buffer : nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace.
    var trimmedOfWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
