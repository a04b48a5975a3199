import AgnesClient
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Corporate memory reaching the workspace: items reviewed through the API are written as rules by
/// `agnes pull` from `GET /api/memory/bundle`; a personal item of someone else never is.
@Suite(.serialized) struct CLIMemoryTests {
    static func call(_ method: String, _ url: String, token: String, body: [String: Any]? = nil) async throws
        -> [String: Any]
    {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    @Test func pullWritesTheBundleAsRules() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        defer { Task { await agnes.stop() } }
        let base = agnes.base
        let mandatory = try await Self.call(
            "POST", "\(base)/api/memory", token: agnes.token,
            body: [
                "title": "Revenue is net of VAT", "content": "Always report revenue net of VAT.",
                "category": "business_logic", "domain": "finance",
            ])
        let mandatoryID = try #require(mandatory["id"] as? String)
        _ = try await Self.call(
            "POST", "\(base)/api/memory/admin/mandate?item_id=\(mandatoryID)", token: agnes.token, body: [:])
        let approved = try await Self.call(
            "POST", "\(base)/api/memory", token: agnes.token,
            body: [
                "title": "Orders ship from Prague", "content": "Every order ships from Prague.", "category": "workflow",
            ])
        let approvedID = try #require(approved["id"] as? String)
        _ = try await Self.call(
            "POST", "\(base)/api/memory/admin/approve?item_id=\(approvedID)", token: agnes.token, body: [:])
        let personal = try await Self.call(
            "POST", "\(base)/api/memory", token: agnes.token,
            body: ["title": "My private shortcut", "content": "Only mine.", "category": "workflow"])
        let personalID = try #require(personal["id"] as? String)
        _ = try await Self.call(
            "POST", "\(base)/api/memory/admin/approve?item_id=\(personalID)", token: agnes.token, body: [:])
        _ = try await Self.call(
            "POST", "\(base)/api/memory/\(personalID)/personal", token: agnes.token, body: ["is_personal": true])

        // A workspace pulls (with the admin's token): the mandatory item as its own rule, the approved one
        // in the approved file.
        let ana = try CLI(root: root.url.appendingPathComponent("ana"), server: base)
        let initialised = try await ana.run(["init", "--server-url", base, "--token-stdin"], stdin: agnes.token + "\n")
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let pulled = try await ana.run(["pull", "--json"])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let rules = ana.workspace.appendingPathComponent(".claude/rules")
        let files = try FileManager.default.contentsOfDirectory(atPath: rules.path).sorted()
        #expect(files == ["km_\(mandatoryID).md", "km_approved.md"].sorted(), "\(files)")
        let approvedText = try String(contentsOf: rules.appendingPathComponent("km_approved.md"), encoding: .utf8)
        #expect(approvedText.contains("Orders ship from Prague"))
        #expect(
            try String(contentsOf: rules.appendingPathComponent("km_\(mandatoryID).md"), encoding: .utf8).contains(
                "net of VAT"))
        // The personal item is not in the bundle of its own contributor either (REFERENCE: personal items
        // stay out of the bundle).
        #expect(!approvedText.contains("My private shortcut"))
    }
}
