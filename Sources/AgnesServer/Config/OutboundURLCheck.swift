import DuckDB
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Refuses URLs the server would be tricked into calling on an inner network (SSRF): not http(s), no
/// host, `localhost`, or a host that resolves to a loopback, private, link-local, shared, reserved,
/// multicast or unspecified address (checked for every address it resolves to).
enum OutboundURLCheck {
    /// Nil when `text` may be called; otherwise why not. Hosts in `allowing` (exactly as written in the
    /// URL, from `AGNES_OUTBOUND_ALLOWED_HOSTS`) skip the inner-address rule: an internal stack on
    /// purpose, or a test's fake on 127.0.0.1.
    static func problem(with text: String, allowing allowed: [String] = []) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return "must be an http or https URL with a host" }
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
        if allowed.contains(name) { return nil }
        if name == "localhost" || name.hasSuffix(".localhost") { return "must not point at this machine" }
        let addresses = resolve(name)
        guard !addresses.isEmpty else { return "its host \(host) does not resolve" }
        if let inner = addresses.first(where: isInner) {
            return "its host \(host) resolves to an inner address (\(inner)); only public hosts are allowed"
        }
        return nil
    }

    static func resolve(_ host: String) -> [IPAddress] {
        if let literal = IPAddress(host, allowsPort: false) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0,
                let address = IPAddress(String(cString: buffer), allowsPort: false)
            {
                addresses.append(address)
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// Loopback, private, link-local, shared (CGNAT), documentation, benchmarking, multicast, reserved
    /// or unspecified blocks, matched with the CIDR lists `AGNES_TRUSTED_PROXIES` is parsed into.
    static let innerNetworks = try! TrustedProxies(
        parsing: """
            0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.0.0.0/24, \
            192.0.2.0/24, 192.88.99.0/24, 192.168.0.0/16, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24, \
            224.0.0.0/3, ::/128, ::1/128, fc00::/7, fe80::/10, ff00::/8, 2001:db8::/32
            """)

    static func isInner(_ address: IPAddress) -> Bool { innerNetworks.contains(address) }

    /// ``problem(with:allowing:)`` off the cooperative pool: resolving a name blocks.
    static func checkedProblem(with text: String, allowing allowed: [String]) async -> String? {
        do {
            return try await offloaded("agnes.outbound-check") { problem(with: text, allowing: allowed) }
        } catch {
            return "its host could not be checked"
        }
    }
}
