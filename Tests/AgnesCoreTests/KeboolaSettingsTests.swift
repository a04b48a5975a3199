import Testing

@testable import AgnesCore

/// `data_source.keboola`: the stack, the token's variable and the connector's limits.
@Suite struct KeboolaSettingsTests {
    let fixture: InstanceFixture

    init() throws {
        fixture = try InstanceFixture()
    }

    @Test func readsTheSectionAndFallsBackToTheOriginalsVariable() throws {
        #expect(try fixture.load().keboola.stackURL == nil)
        #expect(
            try fixture.load(["KEBOOLA_STACK_URL": "https://connection.keboola.com"]).keboola.stackURL
                == "https://connection.keboola.com")
        try fixture.writeStatic(
            """
            data_source:
              keboola:
                stack_url: https://connection.eu-central-1.keboola.com
                token_env: KBC_TOKEN
                s3_endpoint: http://minio.internal:9000
                parallelism: 8
                export_timeout_seconds: 600
                poll_interval_seconds: 0.5
            """)
        let settings = try fixture.load(["KEBOOLA_STACK_URL": "https://elsewhere.example"]).keboola
        #expect(settings.stackURL == "https://connection.eu-central-1.keboola.com")
        #expect(settings.tokenVariable == "KBC_TOKEN")
        #expect(settings.s3Endpoint == "http://minio.internal:9000")
        #expect(settings.gcsEndpoint == "https://storage.googleapis.com")
        #expect(
            settings.parallelism == 8 && settings.exportTimeoutSeconds == 600 && settings.pollIntervalSeconds == 0.5)
        #expect(settings.compactionShare == 0.1)
        try fixture.writeStatic("data_source:\n  keboola:\n    compaction_share: 0\n")
        #expect(try fixture.load().keboola.compactionShare == 0)
    }

    @Test(arguments: [
        ("stack_url: ftp://connection.keboola.com", "data_source.keboola.stack_url"),
        ("gcs_endpoint: storage", "data_source.keboola.gcs_endpoint"),
        ("token_env: \"KBC TOKEN\"", "data_source.keboola.token_env"),
        ("parallelism: 0", "data_source.keboola.parallelism"),
        ("poll_interval_seconds: -1", "data_source.keboola.poll_interval_seconds"),
        ("compaction_share: 1.5", "data_source.keboola.compaction_share"),
        ("compaction_share: -0.1", "data_source.keboola.compaction_share"),
        ("compaction_share: often", "data_source.keboola.compaction_share"),
    ])
    func aBadValueRefusesStartNamingTheKey(line: String, key: String) throws {
        try fixture.writeStatic("data_source:\n  keboola:\n    \(line)\n")
        let error = #expect(throws: ConfigError.self) { try fixture.load() }
        #expect(error?.message.contains(key) == true, "\(error?.message ?? "")")
    }
}
