import Foundation
import Testing

@testable import AgnesCore

@Suite struct ConfigValueTests {
    let tree: ConfigValue = [
        "auth": ["allowed_domain": "example.com", "webapp_secret_key": .null],
        "api": ["scan": ["max_limit": 500]],
        "dotted.key": "literal",
        "admins": [["username": "ada"]],
    ]

    @Test func dottedSubscriptFindsNestedValues() {
        #expect(tree["auth.allowed_domain"] == "example.com")
        #expect(tree["api.scan.max_limit"]?.intValue == 500)
        #expect(tree["auth.webapp_secret_key"] == ConfigValue.null)
        #expect(tree["auth.missing"] == nil)
    }

    @Test func lookupReachesKeysThatContainDots() {
        #expect(tree.lookup(["dotted.key"]) == "literal")
        #expect(tree["dotted.key"] == nil)
    }

    @Test func lookupStopsAtNonObjects() {
        #expect(tree["auth.allowed_domain.deeper"] == nil)
        #expect(tree["admins.0.username"] == nil)
    }

    @Test func typedAccessorsConvertOnlyLosslessly() {
        #expect(ConfigValue.double(3.0).intValue == 3)
        #expect(ConfigValue.double(3.5).intValue == nil)
        #expect(ConfigValue.int(2).doubleValue == 2.0)
        #expect(ConfigValue.string("2").intValue == nil)
        #expect(ConfigValue.int(1).boolValue == nil)
        #expect(ConfigValue.bool(true).boolValue == true)
        #expect(ConfigValue.null.isNull)
        #expect(tree["admins"]?.arrayValue?.count == 1)
        #expect(tree["auth"]?.objectValue?.keys.sorted() == ["allowed_domain", "webapp_secret_key"])
    }

    @Test func equalityIgnoresKeyOrder() {
        let first: ConfigValue = ["a": 1, "b": 2]
        let second: ConfigValue = ["b": 2, "a": 1]
        #expect(first == second)
        #expect(Set([first, second]).count == 1)
    }

    @Test(arguments: [
        (ConfigValue.string("abc"), #""abc""#),
        (ConfigValue.string("say \"hi\"\n"), #""say \"hi\"\n""#),
        (ConfigValue.array([1, 2.5, true, .null]), "[1, 2.5, true, null]"),
        (ConfigValue.object(["b": "x", "a": [1]]), #"{a: [1], b: "x"}"#),
    ])
    func descriptionIsCompactAndSorted(value: ConfigValue, expected: String) {
        #expect(value.description == expected)
    }

    @Test func excerptShortensLongValues() {
        let long = ConfigValue.string(String(repeating: "x", count: 500))
        #expect(long.excerpt.count == 81)
        #expect(long.excerpt.hasSuffix("…"))
    }

    @Test func roundTripsThroughJSON() throws {
        let json = #"{"a": [1, 2.5, "s", true, null], "b": {"c": "d"}}"#
        let decoded = try JSONDecoder().decode(ConfigValue.self, from: Data(json.utf8))
        #expect(decoded == ["a": [1, 2.5, "s", true, .null], "b": ["c": "d"]])
        let reencoded = try JSONDecoder().decode(ConfigValue.self, from: JSONEncoder().encode(decoded))
        #expect(reencoded == decoded)
    }
}
