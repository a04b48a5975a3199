import Foundation
import Testing

@testable import AgnesCore

/// The `openmetadata` section: URL and token, discovery, FQN mapping.
@Suite struct OpenMetadataSettingsTests {
    let fixture: InstanceFixture

    init() throws { fixture = try InstanceFixture() }

    @Test func withoutAURLAndATokenTheExportIsNotConfiguredAndSaysWhatIsMissing() throws {
        let none = try fixture.load().openMetadata
        #expect(!none.isConfigured)
        #expect(none.missing == "OpenMetadata is not configured: set openmetadata.url and openmetadata.token")
        try fixture.writeStatic("openmetadata:\n  url: https://catalog.example.com\n  token: \"\"\n")
        let noToken = try fixture.load().openMetadata
        #expect(
            noToken.missing
                == "OpenMetadata is not configured: openmetadata.url is set but there is no token (openmetadata.token, or the variable openmetadata.token_env names; $OPENMETADATA_TOKEN is empty)"
        )
    }

    @Test func theTokenComesFromTheFileElseFromTheVariableTokenEnvNames() throws {
        try fixture.writeStatic(
            """
            openmetadata:
              url: https://catalog.example.com/
              token: ${OM_JWT}
              data_product: AnalyticsDataModel
              filter_tag: AIAgent.Analyst
              verify_ssl: false
              cache_ttl_seconds: 600
              fqn_template: "bigquery.acme.{bucket}.{source_table}"
              tables: {orders: "snowflake.prod.sales.orders"}
            """)
        let fromFile = try fixture.load(["OM_JWT": "jwt-from-file"]).openMetadata
        #expect(fromFile.isConfigured)
        #expect(fromFile.url == "https://catalog.example.com")
        #expect(fromFile.token == "jwt-from-file" && fromFile.tokenSource == "openmetadata.token")
        #expect(fromFile.dataProduct == "AnalyticsDataModel" && fromFile.filterTag == "AIAgent.Analyst")
        #expect(!fromFile.verifiesTLS && fromFile.cacheTTLSeconds == 600)
        #expect(fromFile.tableFQNs == ["orders": "snowflake.prod.sales.orders"])
        #expect(!fromFile.description.contains("jwt-from-file"), "the token never shows")

        try fixture.writeStatic("openmetadata:\n  url: http://127.0.0.1:8585\n  token_env: CATALOG_TOKEN\n")
        let fromVariable = try fixture.load(["CATALOG_TOKEN": "jwt-from-env"]).openMetadata
        #expect(fromVariable.token == "jwt-from-env" && fromVariable.tokenSource == "$CATALOG_TOKEN")
        #expect(fromVariable.verifiesTLS && fromVariable.fqnTemplate == "bigquery.{id}")
        try fixture.writeStatic("openmetadata:\n  url: http://127.0.0.1:8585\n")
        #expect(try fixture.load(["OPENMETADATA_TOKEN": "default-variable"]).openMetadata.token == "default-variable")
    }

    @Test(arguments: [
        ("openmetadata:\n  url: ftp://catalog.example.com\n", "openmetadata.url"),
        ("openmetadata:\n  url: catalog.example.com\n", "openmetadata.url"),
        ("openmetadata:\n  token_env: \"not a name\"\n", "openmetadata.token_env"),
        ("openmetadata:\n  verify_ssl: sometimes\n", "openmetadata.verify_ssl"),
        ("openmetadata:\n  fqn_template: \"bigquery.{project}.{id}\"\n", "openmetadata.fqn_template"),
        ("openmetadata:\n  tables: {orders: [a, b]}\n", "openmetadata.tables.orders"),
        ("openmetadata:\n  timeout_seconds: 0\n", "openmetadata.timeout_seconds"),
    ])
    func aBadValueRefusesStartNamingTheKey(_ yaml: String, _ key: String) throws {
        try fixture.writeStatic(yaml)
        let error = #expect(throws: ConfigError.self) { try fixture.load() }
        #expect(error?.message.contains(key) == true, "\(error?.message ?? "")")
    }

    @Test func aTablesFQNIsItsEntryElseTheTemplateFilledIn() {
        let settings = OpenMetadataSettings(
            fqnTemplate: "bigquery.acme.{bucket}.{source_table}", tableFQNs: ["orders": "snowflake.prod.sales.orders"])
        #expect(settings.fqn(for: TableRegistration(id: "orders", name: "orders")) == "snowflake.prod.sales.orders")
        #expect(
            settings.fqn(for: TableRegistration(id: "events", name: "Events", bucket: "web", sourceTable: "events_v2"))
                == "bigquery.acme.web.events_v2")
        #expect(settings.fqn(for: TableRegistration(id: "loose", name: "loose")) == nil, "no bucket to fill in")
        #expect(OpenMetadataSettings().fqn(for: TableRegistration(id: "orders", name: "Orders")) == "bigquery.orders")
    }
}
