import AgnesTestSupport
import Foundation
import Logging
import Testing

@testable import AgnesCore

@Suite struct ConfigLoaderTests {
    let fixture: InstanceFixture

    init() throws {
        fixture = try InstanceFixture()
    }

    @Test func startsWithDefaultsWhenThereAreNoFiles() throws {
        let settings = try fixture.load()
        #expect(settings.dataDir == fixture.dataDir)
        #expect(settings.configDir == fixture.configDir)
        #expect(settings.instanceName == "Agnes")
        #expect(settings.instance == [:])
        #expect(settings.dataSourceType == .local)
        #expect(
            settings.remoteQuery == RemoteQueryLimits(timeoutSeconds: 30, maxResultRows: 100_000, maxMemoryMB: 2048))
        #expect(settings.scan.maxLimit == 10_000_000)
        #expect(settings.scan.maxResultBytes == 2_147_483_648)
        #expect(settings.scan.maxConcurrentPerUser == 5)
        #expect(settings.scan.maxDailyBytesPerUser == 53_687_091_200)
        #expect(settings.scan.bqCostPerTBUSD == 5.0)
        #expect(settings.scan.requestTimeoutSeconds == 60)
        #expect(settings.profiler == ProfilerSettings())
        #expect(fixture.recorder.warnings.contains { $0.contains(fixture.staticFile) && $0.contains("demo mode") })
    }

    @Test func defaultRootsAreRelative() throws {
        let missing = "/nonexistent-agnes-\(UUID().uuidString)"
        let settings = try ConfigLoader.load(environment: ["DATA_DIR": missing], logger: fixture.recorder.logger)
        #expect(settings.configDir == "./config")
        #expect(settings.dataDir == missing)
    }

    @Test func overlayIsDeepMergedOverTheStaticFile() throws {
        try fixture.writeStatic(
            """
            instance: {name: Static, subtitle: kept}
            remote_query: {timeout_seconds: 10, max_result_rows: 500}
            catalog: {order: [a, b]}
            """
        )
        try fixture.writeOverlay(
            """
            instance: {name: Overlay}
            remote_query: {timeout_seconds: 20}
            catalog: {order: [c]}
            """
        )
        let settings = try fixture.load()
        #expect(settings.instanceName == "Overlay")
        #expect(settings.instance["instance.subtitle"] == "kept")
        #expect(settings.remoteQuery.timeoutSeconds == 20)
        #expect(settings.remoteQuery.maxResultRows == 500)
        #expect(settings.instance["catalog.order"] == ["c"])
    }

    @Test func overlayAloneIsEnough() throws {
        try fixture.writeOverlay("instance: {name: From Overlay}\n")
        #expect(try fixture.load().instanceName == "From Overlay")
    }

    @Test func staticFileIsInterpolatedButTheOverlayIsNot() throws {
        try fixture.writeStatic("instance: {name: \"${NAME}\"}\nauth: {webapp_secret_key: \"${SECRET_KEY}\"}\n")
        try fixture.writeOverlay("instance: {subtitle: \"${SECRET_KEY}\"}\n")
        let settings = try fixture.load(["NAME": "Acme Agnes", "SECRET_KEY": "hunter2"])
        #expect(settings.instanceName == "Acme Agnes")
        #expect(settings.instance["auth.webapp_secret_key"] == "hunter2")
        #expect(settings.instance["instance.subtitle"] == "${SECRET_KEY}")
    }

    @Test func interpolatedNumbersAreAccepted() throws {
        try fixture.writeStatic(
            "remote_query:\n  timeout_seconds: \"${TIMEOUT}\"\napi:\n  scan: {max_limit: \"${LIMIT}\"}\n")
        let settings = try fixture.load(["TIMEOUT": "45", "LIMIT": "250"])
        #expect(settings.remoteQuery.timeoutSeconds == 45)
        #expect(settings.scan.maxLimit == 250)
    }

    @Test func unsetVariablesWarnAndBecomeEmpty() throws {
        try fixture.writeStatic("auth:\n  google_client_secret: \"${GOOGLE_CLIENT_SECRET}\"\n")
        let settings = try fixture.load()
        #expect(settings.instance["auth.google_client_secret"] == "")
        #expect(
            fixture.recorder.warnings.contains {
                $0.contains("GOOGLE_CLIENT_SECRET") && $0.contains(fixture.staticFile)
            }
        )
    }

    @Test func envOverlayFeedsInterpolationAndSettingsButTheRealEnvironmentWins() throws {
        try fixture.writeEnvOverlay("KEBOOLA_STORAGE_TOKEN=from-overlay\nLOG_LEVEL=debug\nDATA_SOURCE=keboola\n")
        try fixture.writeStatic("data_source:\n  keboola: {storage_token: \"${KEBOOLA_STORAGE_TOKEN}\"}\n")
        let settings = try fixture.load(["LOG_LEVEL": "error"])
        #expect(settings.instance["data_source.keboola.storage_token"] == "from-overlay")
        #expect(settings.logLevel == .error)
        #expect(settings.dataSourceType == .keboola)
        #expect(settings.environment["KEBOOLA_STORAGE_TOKEN"] == "from-overlay")
        #expect(settings.environment["LOG_LEVEL"] == "error")
    }

    @Test func malformedEnvOverlayFailsTheLoad() throws {
        try fixture.writeEnvOverlay("GOOD=1\nnot an assignment\n")
        let error = try #require(throws: ConfigError.self) { try fixture.load() }
        #expect(error.message.hasPrefix("\(fixture.envOverlayFile): line 2: expected KEY=VALUE"))
    }

    @Test func missingRequiredKeysAreWarningsNotErrors() throws {
        try fixture.writeStatic("instance: {name: Agnes}\nserver: {host: 0.0.0.0}\n")
        _ = try fixture.load()
        let warning = try #require(fixture.recorder.warnings.first { $0.contains("missing required keys") })
        #expect(warning.contains(fixture.staticFile))
        for key in ["auth.allowed_domain", "server.hostname", "auth.webapp_secret_key"] {
            #expect(warning.contains(key))
        }
        #expect(!warning.contains("instance.name"))
    }

    @Test func anEmptyInterpolatedSecretStillCountsAsPresent() throws {
        try fixture.writeStatic(
            """
            instance: {name: A}
            server: {host: h, hostname: h.example.com}
            auth: {allowed_domain: example.com, webapp_secret_key: "${UNSET_SECRET}"}
            """
        )
        _ = try fixture.load()
        #expect(!fixture.recorder.warnings.contains { $0.contains("missing required keys") })
    }

    @Test func queryLimitsComeFromTheAPISection() throws {
        #expect(try fixture.load().query == QueryLimits())
        try fixture.writeStatic(
            "api: {query: {timeout_seconds: 5, memory_limit: 512MB, max_limit: 10, concurrency: 2}}\n")
        let limits = try fixture.load().query
        #expect(limits.timeoutSeconds == 5)
        #expect(limits.memoryLimit == "512MB")
        #expect(limits.maxLimit == 10)
        #expect(limits.concurrency == 2)
        #expect(limits.threads == 2)
    }

    @Test func theTableUploadLimitComesFromTheAPISection() throws {
        #expect(try fixture.load().upload.maxTableBytes == 512 * 1024 * 1024)
        try fixture.writeStatic("api: {upload: {max_table_bytes: 4096}}\n")
        #expect(try fixture.load().upload.maxTableBytes == 4096)
    }

    @Test func dataSourceComesFromYAMLUnlessTheEnvironmentOverrides() throws {
        try fixture.writeStatic("data_source: {type: BigQuery}\n")
        #expect(try fixture.load().dataSourceType == .bigquery)
        #expect(try fixture.load(["DATA_SOURCE": "local"]).dataSourceType == .local)
    }

    @Test(arguments: [
        ("config_version: 2\n", "config_version: expected 1, got 2"),
        ("config_version: \"one\"\n", #"config_version: expected 1, got "one""#),
        ("auth: 5\n", "auth: expected an object, got 5"),
        ("auth: [a]\n", #"auth: expected an object, got ["a"]"#),
        ("api:\n  scan:\n    max_limit: [1]\n", "api.scan.max_limit: expected a positive integer, got [1]"),
        ("api:\n  scan: true\n", "api.scan: expected an object, got true"),
        (
            "api: {query: {memory_limit: lots}}\n",
            #"api.query.memory_limit: expected a size such as 512MB or 2GB, got "lots""#
        ),
        ("api: {query: {timeout_seconds: 0}}\n", "api.query.timeout_seconds: expected a positive integer, got 0"),
        (
            "api: {upload: {max_table_bytes: 0}}\n",
            "api.upload.max_table_bytes: expected a positive integer, got 0"
        ),
        ("remote_query:\n  timeout_seconds: -5\n", "remote_query.timeout_seconds: expected a positive integer, got -5"),
        (
            "remote_query:\n  timeout_seconds: abc\n",
            #"remote_query.timeout_seconds: expected a positive integer, got "abc""#
        ),
        ("profiler: {histogram_bins: 0}\n", "profiler.histogram_bins: expected a positive integer, got 0"),
        ("admins: {name: x}\n", #"admins: expected a list, got {name: "x"}"#),
        ("instance: {name: [A]}\n", #"instance.name: expected a string, got ["A"]"#),
        (
            "data_source: {type: snowflake}\n",
            #"data_source.type: expected one of keboola, bigquery, local, got "snowflake""#
        ),
    ])
    func staticFileErrorsNameFileKeyAndExpectation(yaml: String, expected: String) throws {
        try fixture.writeStatic(yaml)
        let error = try #require(throws: ConfigError.self) { try fixture.load() }
        #expect(error.message == "\(fixture.staticFile): \(expected)")
    }

    @Test func errorsInTheOverlayNameTheOverlayFile() throws {
        try fixture.writeStatic("remote_query: {timeout_seconds: 10}\n")
        try fixture.writeOverlay("remote_query: {timeout_seconds: \"soon\"}\n")
        let error = try #require(throws: ConfigError.self) { try fixture.load() }
        #expect(
            error.message
                == #"\#(fixture.overlayFile): remote_query.timeout_seconds: expected a positive integer, got "soon""#)
    }

    @Test func overlayVersionIsCheckedToo() throws {
        try fixture.writeOverlay("config_version: 3\n")
        let error = try #require(throws: ConfigError.self) { try fixture.load() }
        #expect(error.code == .unsupportedVersion)
        #expect(error.message == "\(fixture.overlayFile): config_version: expected 1, got 3")
    }

    @Test func yamlSyntaxErrorsNameFileAndLine() throws {
        try fixture.writeStatic("instance:\n  name: Agnes\n  subtitle: [unclosed\nserver: {}\n")
        let error = try #require(throws: ConfigError.self) { try fixture.load() }
        #expect(error.code == .invalidYAML)
        #expect(error.message.hasPrefix("\(fixture.staticFile): line "))
        #expect(error.message.contains("column"))
    }

    @Test func nonUTF8FilesAreRejected() throws {
        try fixture.writeStatic("placeholder")
        try Data([0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: fixture.staticFile))
        let error = try #require(throws: ConfigError.self) { try fixture.load() }
        #expect(error.code == .unreadableFile)
        #expect(error.message == "\(fixture.staticFile): expected UTF-8 text")
    }
}
