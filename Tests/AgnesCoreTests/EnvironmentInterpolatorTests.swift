import AgnesTestSupport
import Logging
import Testing

@testable import AgnesCore

@Suite struct EnvironmentInterpolatorTests {
    let interpolator = EnvironmentInterpolator(environment: [
        "SECRET": "s3cr3t", "HOST": "db.local", "PORT": "5432", "TRICKY": "a: b\nc: [1, 2]\n- item",
    ])
    let recorder = LogRecorder()

    private func interpolate(_ value: ConfigValue) -> ConfigValue {
        interpolator.interpolate(value, file: "config/instance.yaml", logger: recorder.logger)
    }

    @Test(arguments: [
        ("${SECRET}", "s3cr3t"),
        ("postgres://${HOST}:${PORT}/db", "postgres://db.local:5432/db"),
        ("${HOST}${PORT}", "db.local5432"),
        ("no references", "no references"),
        ("$${SECRET}", "${SECRET}"),
        (
            "cost: $5 and ${NOT A NAME} and ${1X} and $HOME and ${",
            "cost: $5 and ${NOT A NAME} and ${1X} and $HOME and ${"
        ),
    ])
    func replacesReferencesInsideStrings(input: String, expected: String) {
        #expect(interpolate(.string(input)) == .string(expected))
        #expect(recorder.warnings.isEmpty)
    }

    @Test func unsetVariableBecomesEmptyAndIsLogged() throws {
        let result = interpolate(["auth": ["webapp_secret_key": "key-${MISSING_SECRET}-end"]])
        #expect(result["auth.webapp_secret_key"] == "key--end")
        let warning = try #require(recorder.entries.first { $0.level == .warning })
        #expect(warning.message.contains("MISSING_SECRET"))
        #expect(warning.message.contains("config/instance.yaml"))
        #expect(warning.message.contains("auth.webapp_secret_key"))
        #expect(warning.metadata["variable"] == "MISSING_SECRET")
        #expect(warning.metadata["file"] == "config/instance.yaml")
    }

    @Test func eachUnsetReferenceIsLoggedOncePerKey() {
        _ = interpolate(["a": "${GONE}${GONE}", "list": ["${GONE}", "${ALSO_GONE}"]])
        #expect(recorder.warnings.count == 3)
        #expect(recorder.warnings.contains { $0.contains("list.1") && $0.contains("ALSO_GONE") })
    }

    @Test func substitutedValuesCannotChangeTheStructure() throws {
        let yaml = "instance:\n  name: \"${TRICKY}\"\n  subtitle: plain\n"
        let parsed = try ConfigValue.parseYAML(yaml, file: "config/instance.yaml")
        let result = interpolate(parsed)
        #expect(result == ["instance": ["name": "a: b\nc: [1, 2]\n- item", "subtitle": "plain"]])
    }

    @Test func nonStringsAndKeysAreLeftAlone() {
        let value: ConfigValue = ["${SECRET}": 1, "flag": true, "ratio": 0.5, "none": .null]
        #expect(interpolate(value) == value)
    }
}
