/// The reverse proxies whose `X-Forwarded-For` is believed: addresses and CIDR blocks from
/// `AGNES_TRUSTED_PROXIES` (comma list, e.g. `127.0.0.1, 10.0.0.0/8, fd00::/8`). Empty trusts nobody.
///
/// ```swift
/// let proxies = try TrustedProxies(parsing: "127.0.0.1, 10.0.0.0/8")
/// proxies.contains("10.1.2.3")  // true
/// ```
public struct TrustedProxies: Sendable, Hashable {
    struct Network: Sendable, Hashable {
        var base: IPAddress
        var prefixLength: Int

        func contains(_ address: IPAddress) -> Bool {
            guard address.bytes.count == base.bytes.count else { return false }
            var remaining = prefixLength
            for (lhs, rhs) in zip(address.bytes, base.bytes) where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xff : ~(0xff >> UInt8(remaining))
                guard lhs & mask == rhs & mask else { return false }
                remaining -= 8
            }
            return true
        }
    }

    let networks: [Network]

    /// Trusts nobody: every request is keyed on its socket peer.
    public init() { networks = [] }

    /// Parses a comma-separated list of addresses and CIDR blocks; blank entries are skipped.
    /// Throws ``InvalidTrustedProxy`` naming the first bad entry, so a typo stops start-up instead of
    /// silently trusting nobody (or everybody).
    ///
    /// ```swift
    /// let proxies = try TrustedProxies(parsing: settings.environment["AGNES_TRUSTED_PROXIES"] ?? "")
    /// ```
    public init(parsing list: String) throws {
        networks = try list.split(separator: ",").compactMap { raw -> Network? in
            let entry = raw.trimmedOfWhitespace
            guard !entry.isEmpty else { return nil }
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let base = IPAddress(parts[0], allowsPort: false) else { throw InvalidTrustedProxy(entry) }
            let bits = base.bytes.count * 8
            guard parts.count == 2 else { return Network(base: base, prefixLength: bits) }
            guard let length = Int(parts[1]), (0...bits).contains(length) else { throw InvalidTrustedProxy(entry) }
            return Network(base: base, prefixLength: length)
        }
    }

    /// Whether `address` (an IP literal) is one of the trusted proxies; false for anything unparsable.
    public func contains(_ address: String) -> Bool {
        guard let ip = IPAddress(address) else { return false }
        return contains(ip)
    }

    func contains(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }
}

/// An `AGNES_TRUSTED_PROXIES` entry that is neither an IP address nor a CIDR block.
public struct InvalidTrustedProxy: Error, Sendable, CustomStringConvertible {
    /// The offending entry.
    public let entry: String

    init(_ entry: String) { self.entry = entry }

    public var description: String {
        "AGNES_TRUSTED_PROXIES: '\(entry)' is not an IP address or CIDR block (e.g. 10.0.0.0/8)"
    }
}
