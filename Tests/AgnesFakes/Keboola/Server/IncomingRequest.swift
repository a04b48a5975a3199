import Foundation
import Hummingbird

/// A request as the fake's handlers read it: raw path and query, headers by lowercased name, body text.
struct IncomingRequest {
    let method: String
    let path: String
    let query: String?
    /// Headers in arrival order, names lowercased.
    let headers: [(name: String, value: String)]
    let body: String
    let context: BasicRequestContext

    /// The first value of a header (name in lowercase).
    func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// Query parameters, percent-decoded (and `+` as space, as PHP reads them); first value wins.
    var queryParameters: [String: String] {
        Dictionary(
            SigV4Signing.queryItems(query?.replacingOccurrences(of: "+", with: "%20")).map { ($0.name, $0.value) }
        ) { first, _ in first }
    }

    /// The `include` list of a Storage API listing.
    func include(default fallback: Set<String>) -> Set<String> {
        guard let include = queryParameters["include"] else { return fallback }
        return Set(include.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    /// As recorded for ``FakeKeboola/requests``.
    var recorded: FakeKeboolaRequest {
        var joined: [String: String] = [:]
        for (name, value) in headers { joined[name] = joined[name].map { $0 + ", " + value } ?? value }
        return FakeKeboolaRequest(method: method, path: path, query: query, headers: joined, body: body)
    }
}
