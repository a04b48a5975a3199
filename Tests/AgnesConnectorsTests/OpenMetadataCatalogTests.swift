import AgnesConnectors
import AgnesCore
import Foundation
import Testing

/// OpenMetadata entities as catalog rows.
@Suite struct OpenMetadataCatalogTests {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test func aTablesDocumentedColumnsBecomeRowsWithBaseTypesTagsAndPlainText() throws {
        let table = try Self.decode(
            OpenMetadataTable.self,
            """
            {"name": "orders", "fullyQualifiedName": "bigquery.orders",
             "description": "<p>Orders&nbsp;&amp; refunds</p><ul><li>one row each</li></ul>",
             "columns": [
               {"name": "amount", "dataType": "DECIMAL", "description": "Net **USD**", "tags": []},
               {"name": "email", "dataType": "VARCHAR", "tags": [{"tagFQN": "PII.Sensitive", "source": "Classification"}]},
               {"name": "payload", "dataType": "STRUCT", "description": "raw"},
               {"name": "created_at", "dataType": "TIMESTAMP"}
             ],
             "tags": [{"tagFQN": "Tier.Tier2"}], "owner": {"name": "sales-team", "type": "team"},
             "extension": {"Tier": 7}}
            """)
        let rows = OpenMetadataCatalog.columns(of: table, tableID: "orders")
        #expect(rows.map(\.columnName) == ["amount", "email", "payload"], "an undocumented column has no row")
        #expect(rows.map(\.basetype) == ["NUMERIC", "STRING", nil])
        #expect(rows[0].description == "Net **USD**", "Markdown stays")
        #expect(rows[1].tags == ["PII.Sensitive"] && rows[1].description == nil)
        #expect(rows.allSatisfy { $0.source == MetadataSource.openMetadata && $0.confidence == "catalog" })
        let documented = OpenMetadataCatalog.tableMetadata(of: table, tableID: "orders", fqn: "bigquery.orders")
        #expect(documented.description == "Orders & refunds\n- one row each")
        #expect(documented.owners == ["sales-team"], "a server before 1.4 answers one owner")
        #expect(documented.tier == "Tier2", "a tier that is not text in the custom properties falls back to the tag")
    }

    @Test func aMetricFollowsTheOriginalsTagConventions() throws {
        let metric = try Self.decode(
            OpenMetadataMetric.self,
            """
            {"name": "Net Revenue (EUR)", "fullyQualifiedName": "Net Revenue (EUR)", "displayName": "Net revenue",
             "description": "Revenue after refunds.", "metricExpression": {"language": "SQL", "code": "SUM(net)"},
             "unitOfMeasurement": "OTHER", "customUnitOfMeasurement": "EUR", "granularity": "MONTH",
             "tags": [{"tagFQN": "MetricCategory.Finance"}, {"tagFQN": "MetricType.sum"},
                      {"tagFQN": "Dimension.region"}, {"tagFQN": "Dimension.channel"}],
             "owners": [{"name": "cfo", "type": "user"}]}
            """)
        let definition = try #require(OpenMetadataCatalog.metric(metric))
        #expect(definition.id == "finance/net_revenue_eur")
        #expect(definition.name == "net_revenue_eur" && definition.displayName == "Net revenue")
        #expect(definition.category == "finance" && definition.type == "sum" && definition.unit == "EUR")
        #expect(definition.grain == "monthly" && definition.sql == "SUM(net)" && definition.expression == "SUM(net)")
        #expect(definition.dimensions == ["region", "channel"])
        #expect(definition.notes == ["Source: OpenMetadata catalog (FQN: Net Revenue (EUR))", "Owners: cfo"])
        #expect(definition.source == MetadataSource.openMetadata)

        let python = try Self.decode(
            OpenMetadataMetric.self,
            #"{"name": "churn", "metricExpression": {"language": "Python", "code": "df.churn.mean()"}, "metricType": "AVERAGE"}"#
        )
        let other = try #require(OpenMetadataCatalog.metric(python))
        #expect(other.id == "general/churn" && other.type == "average")
        #expect(other.sql == "" && other.expression == "df.churn.mean()", "only SQL is SQL")
        #expect(other.notes.last == "Expression language: Python")
        #expect(OpenMetadataCatalog.metric(try Self.decode(OpenMetadataMetric.self, #"{"name": "%%%"}"#)) == nil)
    }

    @Test(arguments: [
        ("BIGINT", "INTEGER"), ("int", "INTEGER"), ("NUMBER", "NUMERIC"), ("DOUBLE", "FLOAT"), ("BOOLEAN", "BOOLEAN"),
        ("DATE", "DATE"), ("DATETIME", "TIMESTAMP"), ("TIMESTAMPZ", "TIMESTAMP"), ("TEXT", "STRING"),
        ("UUID", "STRING"),
    ])
    func dataTypesMapToKeboolaBaseTypes(_ dataType: String, _ basetype: String) {
        #expect(OpenMetadataCatalog.basetype(dataType) == basetype)
    }

    @Test func typesWithoutABaseTypeHaveNone() {
        for dataType in ["ARRAY", "STRUCT", "BINARY", "GEOGRAPHY", "UNKNOWN", nil] {
            #expect(OpenMetadataCatalog.basetype(dataType) == nil)
        }
    }
}
