import Foundation
import Testing

@testable import AgnesConnectors

@Suite struct KeboolaColumnTypeTests {
    static func table(_ json: String) throws -> KeboolaTable {
        try JSONDecoder().decode(KeboolaTable.self, from: Data(json.utf8))
    }

    @Test(arguments: [
        ("INTEGER", nil, nil, KeboolaColumnType.integer),
        ("NUMERIC", nil, "10,2", .decimal(precision: 10, scale: 2)),
        ("NUMERIC", nil, "38", .decimal(precision: 38, scale: 0)),
        ("NUMERIC", nil, nil, .double),
        ("NUMERIC", nil, "60,2", .double),
        ("FLOAT", nil, nil, .double),
        ("BOOLEAN", nil, nil, .boolean),
        ("DATE", nil, nil, .date),
        ("TIMESTAMP", "TIMESTAMP_NTZ", nil, .timestamp),
        ("TIMESTAMP", "TIMESTAMP_TZ", nil, .timestampWithZone),
        ("STRING", "VARCHAR", "16777216", .string),
        (nil, "NUMBER", "38,0", .integer),
        (nil, "NUMBER(12,3)", nil, .decimal(precision: 12, scale: 3)),
        (nil, "character varying", nil, .string),
        (nil, "int", nil, .integer),
        (nil, nil, nil, .string),
    ] as [(String?, String?, String?, KeboolaColumnType)])
    func mapsBaseAndNativeTypes(basetype: String?, native: String?, length: String?, expected: KeboolaColumnType) {
        #expect(KeboolaColumnType.from(basetype: basetype, native: native, length: length) == expected)
    }

    @Test func userMetadataWinsOverComponentsAndStorage() throws {
        let table = try Self.table(
            """
            {"id":"in.c-main.t","name":"t","columns":["a","b"],"columnMetadata":{
              "a":[{"key":"KBC.datatype.basetype","value":"STRING","provider":"storage"},
                   {"key":"KBC.datatype.basetype","value":"INTEGER","provider":"keboola.ex-db-snowflake"},
                   {"key":"KBC.datatype.basetype","value":"DATE","provider":"user"}],
              "b":[{"key":"KBC.datatype.basetype","value":"NUMERIC","provider":"storage"},
                   {"key":"KBC.datatype.length","value":"10,2","provider":"storage"}]}}
            """)
        #expect(KeboolaColumnType.of(column: "a", in: table) == .date)
        #expect(KeboolaColumnType.of(column: "b", in: table) == .decimal(precision: 10, scale: 2))
    }

    @Test func decodesPHPEmptyMapsAliasesAndTypedDefinitions() throws {
        let alias = try Self.table(
            """
            {"id":"out.c-x.alias","name":"alias","isAlias":true,"columns":["n"],"columnMetadata":[],"rowsCount":null,
             "bucket":{"id":"out.c-x","name":"c-x"},
             "sourceTable":{"id":"in.c-y.src","columnMetadata":{"n":[{"key":"KBC.datatype.basetype","value":"FLOAT","provider":"user"}]}}}
            """)
        #expect(alias.bucketID == "out.c-x")
        #expect(alias.rowsCount == nil)
        #expect(KeboolaColumnType.of(column: "n", in: alias) == .double)
        let typed = try Self.table(
            """
            {"id":"in.c-t.typed","name":"typed","isTyped":true,"columns":["id","amount"],"columnMetadata":[],"metadata":[],
             "definition":{"primaryKeysNames":["id"],"columns":[
               {"name":"id","definition":{"type":"NUMBER","nullable":false,"length":"38,0"},"basetype":"NUMERIC"},
               {"name":"amount","definition":{"type":"NUMBER","length":"12,2"},"basetype":"NUMERIC"}]}}
            """)
        #expect(KeboolaColumnType.of(column: "id", in: typed) == .decimal(precision: 38, scale: 0))
        #expect(KeboolaColumnType.of(column: "amount", in: typed) == .decimal(precision: 12, scale: 2))
    }

    @Test func decodesJobsAndFiles() throws {
        let failed = try JSONDecoder().decode(
            KeboolaJob.self,
            from: Data(#"{"id":"22","status":"error","results":[],"error":{"code":"storage.x","message":"Table is locked","exceptionId":"e-1"}}"#.utf8))
        #expect(failed.id == 22 && failed.isFinished && failed.errorMessage == "Table is locked (storage.x)")
        let file = try JSONDecoder().decode(
            KeboolaFile.self,
            from: Data(
                #"{"id":7,"isSliced":true,"url":"https://x/manifest","provider":"aws","region":"eu-central-1","s3Path":{"bucket":"kbc","key":"exp/7.csv"},"credentials":{"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T"}}"#
                    .utf8))
        #expect(file.s3Bucket == "kbc" && file.awsCredentials?.sessionToken == "T" && file.isSliced)
    }

    @Test func readsKeboolaDates() {
        #expect(KeboolaTableState.date("2026-01-01T01:00:00+0100") == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(KeboolaTableState.date("2026-01-01T00:00:00+00:00") == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(KeboolaTableState.date("soon") == nil)
    }
}
