import AgnesCore
import HTTPTypes
import Hummingbird

/// Finds the address a request comes from, for rate limits and audit: the socket peer, unless that peer
/// is a trusted reverse proxy, in which case the client it forwarded for.
///
/// `X-Forwarded-For` is read from the right: hops appended by trusted proxies are skipped and the first
/// untrusted hop is the client. Behind one proxy that sets the header this is its only (leftmost) hop;
/// behind a proxy that appends (nginx's `$proxy_add_x_forwarded_for`) it ignores whatever the client wrote
/// in front, which the leftmost-hop rule of the original would have believed. From an untrusted peer
/// the header is ignored entirely, so it cannot be used to dodge or frame a rate limit.
///
/// ```swift
/// let resolver = try ClientAddressResolver(settings: settings)  // AGNES_TRUSTED_PROXIES=127.0.0.1
/// resolver.address(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"])  // "203.0.113.7"
/// resolver.address(peer: "198.51.100.2", forwardedFor: ["203.0.113.7"])  // "198.51.100.2"
/// ```
public struct ClientAddressResolver: Sendable {
    /// The settings key holding the trusted proxies.
    public static let environmentKey = "AGNES_TRUSTED_PROXIES"
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The proxies whose forwarding header is believed.
    public let trustedProxies: TrustedProxies

    /// Creates a resolver; by default nobody is trusted and the socket peer is always the answer.
    public init(trustedProxies: TrustedProxies = TrustedProxies()) {
        self.trustedProxies = trustedProxies
    }

    /// Creates a resolver trusting `AGNES_TRUSTED_PROXIES` from `settings.environment`; throws
    /// ``InvalidTrustedProxy`` for an entry that is not an address or CIDR block.
    ///
    /// ```swift
    /// let resolver = try ClientAddressResolver(settings: services.settings)
    /// ```
    public init(settings: AgnesSettings) throws {
        self.init(trustedProxies: try TrustedProxies(parsing: settings.environment[Self.environmentKey] ?? ""))
    }

    /// The client address of a request, from ``AgnesRequestContext/remoteAddress`` and its
    /// `X-Forwarded-For` lines; nil when the peer is unknown (a Unix socket, the router test framework).
    ///
    /// ```swift
    /// let ip = resolver.address(of: request, context: context) ?? "unknown"
    /// ```
    public func address(of request: Request, context: AgnesRequestContext) -> String? {
        address(peer: context.remoteAddress, forwardedFor: request.headers[values: Self.forwardedFor])
    }

    /// The client address given the socket peer and the `X-Forwarded-For` header lines in order.
    /// Addresses come back in a canonical form (`::ffff:1.2.3.4` becomes `1.2.3.4`).
    ///
    /// ```swift
    /// resolver.address(peer: "10.0.0.5", forwardedFor: ["203.0.113.7, 10.0.0.9"])
    /// ```
    public func address(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer else { return nil }
        guard let peerIP = IPAddress(peer) else { return peer }
        guard trustedProxies.contains(peerIP) else { return peerIP.description }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map(\.trimmedOfWhitespace)
        var client = peerIP
        for hop in hops.reversed() where !hop.isEmpty {
            // A hop that is not an address means the chain cannot be read: fall back to the last good one.
            guard let ip = IPAddress(hop) else { break }
            client = ip
            if !trustedProxies.contains(ip) { break }
        }
        return client.description
    }
}
