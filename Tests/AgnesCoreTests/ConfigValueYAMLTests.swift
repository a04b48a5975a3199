import Testing

@testable import AgnesCore

@Suite struct ConfigValueYAMLTests {
    let file = "config/instance.yaml"

    @Test func scalarsResolveWithTheCoreSchema() throws {
        let yaml = """
            int: 42
            negative: -7
            double: 2.5
            yes_bool: true
            null_value: ~
            empty:
            quoted_number: "45"
            plain: hello world
            list: [1, "two"]
            """
        let value = try ConfigValue.parseYAML(yaml, file: file)
        #expect(
            value == [
                "int": 42, "negative": -7, "double": 2.5, "yes_bool": true, "null_value": .null, "empty": .null,
                "quoted_number": "45", "plain": "hello world", "list": [1, "two"],
            ]
        )
    }

    @Test(arguments: ["", "# only a comment\n", "~\n"])
    func emptyDocumentIsAnEmptyObject(yaml: String) throws {
        #expect(try ConfigValue.parseYAML(yaml, file: file) == [:])
    }

    @Test func aliasesAndMergeKeysAreResolved() throws {
        let yaml = """
            defaults: &defaults
              timeout_seconds: 30
              max_result_rows: 10
            remote_query:
              <<: *defaults
              max_result_rows: 99
            """
        let value = try ConfigValue.parseYAML(yaml, file: file)
        #expect(value["remote_query"] == ["timeout_seconds": 30, "max_result_rows": 99])
    }

    @Test(arguments: [
        ("instance:\n  name: \"Agnes\n", "line 3"),
        ("auth:\n  allowed_domain: a\n bad: [\n", "line 3"),
        ("a: 1\nb: [1, 2\nc: 3\n", "line 3"),
        ("server:\n  host: x\n  host: y\n", "line 2"),
    ])
    func syntaxErrorsNameTheFileAndPosition(yaml: String, position: String) throws {
        let error = try #require(throws: ConfigError.self) { try ConfigValue.parseYAML(yaml, file: file) }
        #expect(error.code == .invalidYAML)
        #expect(error.message.hasPrefix("config/instance.yaml: \(position)"))
        #expect(error.message.contains("invalid YAML"))
    }

    @Test(arguments: ["- a\n- b\n", "just a string\n", "42\n"])
    func topLevelMustBeAMapping(yaml: String) throws {
        let error = try #require(throws: ConfigError.self) { try ConfigValue.parseYAML(yaml, file: file) }
        #expect(error.code == .typeMismatch)
        #expect(error.message.hasPrefix("config/instance.yaml: (top level): expected a mapping of keys to values, got"))
    }

    @Test func nonScalarKeysAreRejected() throws {
        let error = try #require(throws: ConfigError.self) {
            try ConfigValue.parseYAML("groups:\n  ? [a, b]\n  : 1\n", file: file)
        }
        #expect(error.message == #"config/instance.yaml: groups: expected string keys, got ["a", "b"]"#)
    }

    @Test func documentsMayBeListsOrScalars() throws {
        #expect(try ConfigValue.parseYAMLDocument("- name: mrr\n- 2\n", file: "upload") == [["name": "mrr"], 2])
        #expect(try ConfigValue.parseYAMLDocument("just text\n", file: "upload") == "just text")
        #expect(try ConfigValue.parseYAMLDocument("# nothing\n", file: "upload") == .null)
        let error = try #require(throws: ConfigError.self) {
            try ConfigValue.parseYAMLDocument("a: [1, 2\n", file: "upload")
        }
        #expect(error.code == .invalidYAML)
        #expect(error.message.hasPrefix("upload: line"))
    }
}
