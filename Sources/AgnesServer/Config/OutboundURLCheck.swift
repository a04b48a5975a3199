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

    /// Loopback, private, link-local, shared (CGNAT), reserved, multicast or unspecified.
    static func isInner(_ address: IPAddress) -> Bool {
        let b = address.bytes
        if address.isIPv4 {
            switch b[0] {
            case 0, 10, 127: return true
            case 100: return (64...127).contains(b[1])
            case 169: return b[1] == 254
            case 172: return (16...31).contains(b[1])
            case 192: return (b[1] == 168) || (b[1] == 0 && (b[2] == 0 || b[2] == 2)) || (b[1] == 88 && b[2] == 99)
            case 198: return (18...19).contains(b[1]) || (b[1] == 51 && b[2] == 100)
            case 203: return b[1] == 0 && b[2] == 113
            default: return b[0] >= 224
            }
        }
        if b.allSatisfy({ $0 == 0 }) { return true }  // ::
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return true }  // ::1
        if b[0] & 0xFE == 0xFC { return true }  // fc00::/7 unique local
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return true }  // fe80::/10 link-local
        if b[0] == 0xFF { return true }  // multicast
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return true }  // documentation
        return false
    }
}
