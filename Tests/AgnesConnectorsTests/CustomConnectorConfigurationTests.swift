import AgnesConnectors
import AgnesCore
import AgnesData
import Foundation
import Logging
import Testing

/// `connector.yaml` and the scan of `CONNECTORS_DIR`.
@Suite struct CustomConnectorConfigurationTests {
    static let bad: [(yaml: String, message: String)] = [
        ("timeout: 5\n", "crm/connector.yaml: unknown key timeout (known: command, env, timeout_seconds)"),
        ("timeout_seconds: -1\n", "crm/connector.yaml: timeout_seconds must be a number of seconds above 0"),
        ("timeout_seconds: soon\n", "crm/connector.yaml: timeout_seconds must be a number of seconds above 0"),
        ("env: [CRM_TOKEN, 1X]\n", "crm/connector.yaml: env: \"1X\" is not an environment variable name"),
        ("env: {a: b}\n", "crm/connector.yaml: env must be a list of environment variable names"),
        ("command: []\n", "crm/connector.yaml: command must be a program and its arguments"),
        ("command: [python3, 3]\n", "crm/connector.yaml: command must be a program and its arguments"),
        ("- a list\n", "crm/connector.yaml must be a mapping of keys to values"),
        ("command: [unclosed\n", "crm/connector.yaml"),
    ]

    @Test(arguments: bad.indices)
    func aBadConfigurationIsRefusedWithTheKeyAtFault(_ index: Int) throws {
        let (yaml, message) = Self.bad[index]
        let fixture = try CustomConnectorFixture()
        let directory = try fixture.shell("crm", "exit 0\n", yaml: yaml)
        let error = #expect(throws: CustomConnectorError.self) {
            try CustomConnectorConfiguration.load(name: Identifier("crm")!, directory: directory)
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
    }

    @Test func everyKeyHasADefault() throws {
        let fixture = try CustomConnectorFixture()
        let shell = try fixture.shell("crm", "exit 0\n")
        let configuration = try CustomConnectorConfiguration.load(name: Identifier("crm")!, directory: shell)
        #expect(configuration.command == ["./extractor"])
        #expect(configuration.timeoutSeconds == 600)
        #expect(configuration.environmentNames.isEmpty)

        let python = fixture.connectors.appendingPathComponent("py")
        try FileManager.default.createDirectory(at: python, withIntermediateDirectories: true)
        try "print(1)\n".write(to: python.appendingPathComponent("extractor.py"), atomically: true, encoding: .utf8)
        #expect(
            try CustomConnectorConfiguration.load(name: Identifier("py")!, directory: python).command == [
                "python3", "./extractor.py",
            ])

        let empty = fixture.connectors.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let error = #expect(throws: CustomConnectorError.self) {
            try CustomConnectorConfiguration.load(name: Identifier("empty")!, directory: empty)
        }
        #expect(
            error?.message
                == "empty/connector.yaml names no command, and the directory has neither an executable extractor nor extractor.py"
        )
    }

    @Test func aCommandStringIsSplitAtSpacesAndFractionalTimeoutsAreKept() throws {
        let fixture = try CustomConnectorFixture()
        let directory = try fixture.shell(
            "crm", "exit 0\n", yaml: "command: python3 ./run.py --full\ntimeout_seconds: 2.5\nenv: CRM_TOKEN\n")
        let configuration = try CustomConnectorConfiguration.load(name: Identifier("crm")!, directory: directory)
        #expect(configuration.command == ["python3", "./run.py", "--full"])
        #expect(configuration.timeoutSeconds == 2.5)
        #expect(configuration.environmentNames == ["CRM_TOKEN"])
    }

    @Test func aProgramThatCannotBeStartedIsReported() async throws {
        let fixture = try CustomConnectorFixture()
        try fixture.shell("missing", "", yaml: "command: [./nowhere]\n")
        try fixture.shell("unknown", "", yaml: "command: [no-such-program-anywhere]\n")
        let plain = try fixture.shell("plain", "exit 0\n")
        chmod(plain.appendingPathComponent("extractor").path, 0o644)
        try "command: [./extractor]\n".write(
            to: plain.appendingPathComponent("connector.yaml"), atomically: true, encoding: .utf8)
        let cases = [
            ("missing", "\(fixture.connectors.path)/missing/nowhere does not exist"),
            ("unknown", "no-such-program-anywhere is not found in PATH (/usr/local/bin:/usr/bin:/bin)"),
            ("plain", "\(fixture.connectors.path)/plain/extractor is not executable (chmod +x it)"),
        ]
        for (name, message) in cases {
            let error = await #expect(throws: CustomConnectorError.self) { try await fixture.connector(name).run() }
            #expect(error?.code == .launch)
            #expect(error?.message == message)
        }
    }

    @Test func theScanSkipsNamesThatAreNotSourceNamesOrAreTaken() throws {
        let fixture = try CustomConnectorFixture()
        for name in ["sales", "Sales", "Local", "my-crm", ".hidden", "_staging", "jira"] {
            try FileManager.default.createDirectory(
                at: fixture.connectors.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        try "notes".write(to: fixture.connectors.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let (found, problems) = CustomConnector.scan(fixture.connectors)
        #expect(found.map(\.name.rawValue) == ["Sales", "_staging"])
        #expect(
            problems == [
                "Local: the name of a built-in source; rename the directory; skipped",
                "jira: the name of a built-in source; rename the directory; skipped",
                "my-crm: a connector's directory name is its source name and must match ^[a-zA-Z_][a-zA-Z0-9_]{0,63}$; skipped",
                "sales: another connector's name in other case; skipped",
            ])
        #expect(CustomConnector.scan(fixture.root.appendingPathComponent("absent")).found.isEmpty)
        let connectors = CustomConnector.all(
            in: fixture.connectors, layout: fixture.layout, policy: .defaults, environment: [:],
            logger: Logger(label: "test"))
        #expect(connectors.map(\.sourceType) == ["Sales", "_staging"])
        #expect(connectors.allSatisfy { $0.registersDiscoveredTables })
    }
}
