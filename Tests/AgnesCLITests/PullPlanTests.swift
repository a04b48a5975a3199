import AgnesCLI
import AgnesClient
import Foundation
import Testing

@Suite struct PullPlanTests {
    static let stamp = FileStamp(size: 10, modifiedNanoseconds: 1)

    static func entry(_ hash: String, size: Int64 = 10, time: Int64 = 1) -> SyncState.Entry {
        SyncState.Entry(hash: hash, rows: 1, sizeBytes: size, modifiedNanoseconds: time)
    }

    @Test func everyTableGetsTheRightVerdict() {
        var state = SyncState()
        state.tables = [
            "same": Self.entry("h1"), "changed": Self.entry("old"), "gone_file": Self.entry("h3"),
            "touched": Self.entry("h4", time: 99), "unhashed": Self.entry("h5"), "revoked": Self.entry("h6"),
        ]
        let manifest: [String: ManifestTable] = [
            "same": .init(hash: "H1"), "changed": .init(hash: "new"), "gone_file": .init(hash: "h3"),
            "touched": .init(hash: "h4"), "unhashed": .init(hash: ""), "fresh": .init(hash: "h7"),
            "remote": .init(hash: "", queryMode: "remote"), "../bad": .init(hash: "x"),
            "adopted": .init(hash: "h8"),
        ]
        let files: Set<String> = ["same", "changed", "touched", "unhashed", "revoked", "adopted"]
        let plan = PullPlan.make(manifest: manifest, state: state, present: files) {
            files.contains($0) ? Self.stamp : nil
        }
        #expect(plan.current == ["same"])
        #expect(
            Dictionary(uniqueKeysWithValues: plan.fetches.map { ($0.table, $0.reason) }) == [
                "changed": .changed, "gone_file": .missing, "unhashed": .unhashed, "fresh": .new,
            ])
        #expect(plan.suspects == ["adopted", "touched"])
        #expect(plan.remote == ["remote"])
        #expect(plan.invalid == ["../bad"])
        #expect(plan.removals == ["revoked"])
        #expect(plan.localCount == 7)
    }

    @Test func verifyMakesEveryCurrentFileASuspect() {
        var state = SyncState()
        state.tables = ["a": Self.entry("h")]
        let plan = PullPlan.make(manifest: ["a": .init(hash: "h")], state: state, present: ["a"], verify: true) { _ in
            Self.stamp
        }
        #expect(plan.suspects == ["a"] && plan.current.isEmpty)
    }

    @Test(arguments: [
        ("orders", true), ("my.table-2", true), ("_x", true), ("../x", false), (".hidden", false), ("a/b", false),
        ("", false), (String(repeating: "a", count: 129), false), ("ünï", false),
    ])
    func tableIDsThatNameFilesSafely(_ id: String, _ valid: Bool) {
        #expect(Workspace.isValidTableID(id) == valid)
    }
}
