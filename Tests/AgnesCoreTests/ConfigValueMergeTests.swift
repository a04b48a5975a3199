import Testing

@testable import AgnesCore

@Suite struct ConfigValueMergeTests {
    @Test func objectsMergeRecursively() {
        let base: ConfigValue = [
            "auth": ["allowed_domain": "a.com", "google_client_id": "id"], "instance": ["name": "A"],
        ]
        let overlay: ConfigValue = ["auth": ["allowed_domain": "b.com"], "theme": ["accent": "#fff"]]
        #expect(
            base.merging(overlay) == [
                "auth": ["allowed_domain": "b.com", "google_client_id": "id"],
                "instance": ["name": "A"],
                "theme": ["accent": "#fff"],
            ]
        )
    }

    @Test func overlayReplacesListsInsteadOfConcatenating() {
        let base: ConfigValue = ["catalog": ["order": ["a", "b"]]]
        let overlay: ConfigValue = ["catalog": ["order": ["c"]]]
        #expect(base.merging(overlay)["catalog.order"] == ["c"])
    }

    @Test(arguments: [
        (ConfigValue.int(1), ConfigValue.string("x"), ConfigValue.string("x")),
        (ConfigValue.object(["a": 1]), ConfigValue.int(5), ConfigValue.int(5)),
        (ConfigValue.int(5), ConfigValue.object(["a": 1]), ConfigValue.object(["a": 1])),
        (ConfigValue.object(["a": 1]), ConfigValue.null, ConfigValue.null),
        (ConfigValue.array([1]), ConfigValue.array([]), ConfigValue.array([])),
    ])
    func overlayWinsForEverythingButObjectPairs(base: ConfigValue, overlay: ConfigValue, expected: ConfigValue) {
        #expect(base.merging(overlay) == expected)
    }

    @Test func emptyOverlayKeepsBase() {
        let base: ConfigValue = ["a": ["b": 1]]
        #expect(base.merging([:]) == base)
        #expect(ConfigValue.object([:]).merging(base) == base)
    }
}
