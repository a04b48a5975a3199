import AgnesCore
import AgnesServer
import Testing

@Suite struct ClientAddressResolverTests {
    static let trusted = "127.0.0.1, 10.0.0.0/8, fd00::/8"

    @Test(arguments: [
        // Untrusted peers: the header is ignored, whatever it says.
        ("198.51.100.2", ["203.0.113.7"], "198.51.100.2"),
        ("198.51.100.2", [], "198.51.100.2"),
        ("11.0.0.1", ["203.0.113.7"], "11.0.0.1"),
        // Trusted peers: the client the proxy forwarded for.
        ("127.0.0.1", ["203.0.113.7"], "203.0.113.7"),
        ("10.9.8.7", [" 203.0.113.7 "], "203.0.113.7"),
        ("::ffff:127.0.0.1", ["203.0.113.7"], "203.0.113.7"),
        ("fd12::1", ["2001:db8::5"], "2001:db8:0:0:0:0:0:5"),
        // A client-written hop in front of the one the proxy appended is not believed.
        ("127.0.0.1", ["6.6.6.6, 203.0.113.7"], "203.0.113.7"),
        ("127.0.0.1", ["6.6.6.6", "203.0.113.7"], "203.0.113.7"),
        // Hops added by further trusted proxies are skipped.
        ("127.0.0.1", ["203.0.113.7, 10.0.0.3"], "203.0.113.7"),
        // No header, or junk: the proxy itself.
        ("127.0.0.1", [], "127.0.0.1"),
        ("127.0.0.1", ["not-an-ip"], "127.0.0.1"),
    ])
    func forwardedForIsBelievedOnlyFromTrustedProxies(peer: String, forwardedFor: [String], expected: String)
        throws
    {
        let resolver = ClientAddressResolver(trustedProxies: try TrustedProxies(parsing: Self.trusted))
        #expect(resolver.address(peer: peer, forwardedFor: forwardedFor) == expected)
    }

    @Test func byDefaultNobodyIsTrusted() throws {
        let resolver = try ClientAddressResolver(settings: AgnesSettings(dataDir: "/tmp"))
        #expect(resolver.address(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"]) == "127.0.0.1")
        #expect(resolver.address(peer: nil, forwardedFor: ["203.0.113.7"]) == nil)
    }

    @Test func trustedProxiesComeFromTheEnvironmentSetting() throws {
        let settings = AgnesSettings(dataDir: "/tmp", environment: ["AGNES_TRUSTED_PROXIES": "192.168.0.0/16"])
        let resolver = try ClientAddressResolver(settings: settings)
        #expect(resolver.address(peer: "192.168.4.4", forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true), ("10.0.0.0/8", "11.0.0.1", false),
        ("172.16.0.0/12", "172.31.255.255", true), ("172.16.0.0/12", "172.32.0.0", false),
        ("0.0.0.0/0", "8.8.8.8", true), ("0.0.0.0/0", "::1", false),
        ("::1", "::1", true), ("::1", "127.0.0.1", false),
        ("2001:db8::/33", "2001:db8:7fff::1", true), ("2001:db8::/33", "2001:db8:8000::1", false),
        ("", "127.0.0.1", false),
    ])
    func cidrBlocksMatchByPrefix(list: String, address: String, isTrusted: Bool) throws {
        #expect(try TrustedProxies(parsing: list).contains(address) == isTrusted)
    }

    @Test(arguments: ["localhost", "10.0.0.0/33", "10.0.0.1:80", "::1/129", "10.0.0.0/x", "1.2.3"])
    func invalidEntriesStopStartUp(list: String) {
        #expect(throws: InvalidTrustedProxy.self) { try TrustedProxies(parsing: "127.0.0.1, \(list)") }
    }
}
