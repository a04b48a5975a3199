import Testing

@testable import AgnesCore

@Suite struct ConfigReaderTests {
    let reader = ConfigReader(layers: [
        .init(
            file: "static.yaml",
            tree: ["auth": ["allowed_domain": "a.com", "secret": "x"], "api": ["scan": ["max_limit": 5]]]),
        .init(file: "overlay.yaml", tree: ["auth": ["allowed_domain": "b.com"], "api": 7]),
    ])

    @Test func mergesLayersInOrder() {
        #expect(reader.merged == ["auth": ["allowed_domain": "b.com", "secret": "x"], "api": 7])
    }

    @Test(arguments: [
        (["auth", "allowed_domain"], "overlay.yaml"),
        (["auth", "secret"], "static.yaml"),
        (["auth"], "overlay.yaml"),
        (["api", "scan", "max_limit"], "overlay.yaml"),
    ])
    func namesTheFileThatSuppliedAValue(path: [String], file: String) {
        #expect(reader.file(for: path) == file)
    }

    @Test func aScalarParentIsATypeMismatchInItsFile() throws {
        let error = try #require(throws: ConfigError.self) { try reader.positiveInt("api.scan.max_limit", default: 1) }
        #expect(error.message == "overlay.yaml: api: expected an object, got 7")
    }

    @Test func nullParentsAndValuesMeanMissing() throws {
        let reader = ConfigReader(layers: [
            .init(file: "f.yaml", tree: ["remote_query": .null, "api": ["scan": ["max_limit": .null]]])
        ])
        #expect(try reader.positiveInt("remote_query.timeout_seconds", default: 30) == 30)
        #expect(try reader.positiveInt("api.scan.max_limit", default: 10) == 10)
    }

    @Test(arguments: [
        (ConfigValue.int(45), 45),
        (ConfigValue.string("45"), 45),
        (ConfigValue.string(" 45 "), 45),
        (ConfigValue.double(45.0), 45),
    ])
    func positiveIntegersMayBeWrittenAsStrings(value: ConfigValue, expected: Int) throws {
        let reader = ConfigReader(layers: [.init(file: "f.yaml", tree: ["n": value])])
        #expect(try reader.positiveInt("n", default: 1) == expected)
    }

    @Test(arguments: [
        (
            ConfigValue.string("abc"), ConfigError.Code.typeMismatch,
            #"f.yaml: n: expected a positive integer, got "abc""#
        ),
        (ConfigValue.double(4.5), .typeMismatch, "f.yaml: n: expected a positive integer, got 4.5"),
        (ConfigValue.bool(true), .typeMismatch, "f.yaml: n: expected a positive integer, got true"),
        (ConfigValue.array([1]), .typeMismatch, "f.yaml: n: expected a positive integer, got [1]"),
        (ConfigValue.int(0), .invalidValue, "f.yaml: n: expected a positive integer, got 0"),
        (ConfigValue.string("-3"), .invalidValue, #"f.yaml: n: expected a positive integer, got "-3""#),
    ])
    func rejectsWhatIsNotAPositiveInteger(value: ConfigValue, code: ConfigError.Code, message: String) throws {
        let reader = ConfigReader(layers: [.init(file: "f.yaml", tree: ["n": value])])
        let error = try #require(throws: ConfigError.self) { try reader.positiveInt("n", default: 1) }
        #expect(error.code == code)
        #expect(error.message == message)
    }

    @Test func stringsAcceptNumbersButNotStructures() throws {
        let reader = ConfigReader(layers: [.init(file: "f.yaml", tree: ["a": 2024, "b": "", "c": ["x"]])])
        #expect(try reader.string(at: ["a"]) == "2024")
        #expect(try reader.string(at: ["b"]) == nil)
        let error = try #require(throws: ConfigError.self) { try reader.string(at: ["c"]) }
        #expect(error.message == #"f.yaml: c: expected a string, got ["x"]"#)
    }
}
