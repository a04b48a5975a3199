import Testing

@testable import AgnesServer

/// Which addresses an admin-given URL may not reach.
@Suite struct OutboundURLCheckTests {
    @Test(arguments: [
        "0.0.0.0", "10.1.2.3", "100.64.0.1", "127.0.0.1", "169.254.169.254", "172.31.255.255", "192.168.1.1",
        "198.18.0.1", "224.0.0.1", "255.255.255.255", "::", "::1", "fd00::1", "fe80::1", "ff02::1", "::ffff:10.0.0.1",
    ])
    func innerAddressesAreRefused(_ text: String) throws {
        #expect(OutboundURLCheck.isInner(try #require(IPAddress(text, allowsPort: false))))
    }

    @Test(arguments: ["8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700::1111"])
    func publicAddressesPass(_ text: String) throws {
        #expect(!OutboundURLCheck.isInner(try #require(IPAddress(text, allowsPort: false))))
    }

    @Test func anAllowedHostSkipsTheInnerRule() {
        #expect(OutboundURLCheck.problem(with: "http://127.0.0.1:9/x", allowing: ["127.0.0.1"]) == nil)
        #expect(OutboundURLCheck.problem(with: "http://127.0.0.1:9/x")?.contains("inner address") == true)
        #expect(OutboundURLCheck.problem(with: "ftp://example.com") == "must be an http or https URL with a host")
    }
}
