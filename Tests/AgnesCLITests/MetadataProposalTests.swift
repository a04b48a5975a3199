import AgnesCLI
import AgnesClient
import Foundation
import Testing

/// The proposal files of `agnes admin metadata-apply`: the three shapes read, every refusal with the
/// file and the place, and what applying one changes.
@Suite struct MetadataProposalTests {
    static func parse(_ text: String) throws -> MetadataProposal {
        try MetadataProposal.parse(Data(text.utf8), file: "p.json")
    }

    @Test func theThreeShapesAreRead() throws {
        let one = try Self.parse(
            #"{"table_id": "orders", "columns": [{"column_name": "id", "basetype": "INTEGER", "confidence": "high"},"#
                + #" {"column_name": "note", "description": null}]}"#)
        #expect(one.tables.map(\.tableID) == ["orders"])
        #expect(one.tables[0].columns[0].basetype == .set("INTEGER") && one.tables[0].columns[0].confidence == "high")
        #expect(one.tables[0].columns[0].description == .keep && one.tables[0].columns[1].description == .clear)

        let list = try Self.parse(
            #"[{"table_id": "orders", "columns": [{"column_name": "id"}]},"#
                + #" {"table_id": "customers", "columns": [{"column_name": "id"}]},"#
                + #" {"table_id": "orders", "columns": [{"column_name": "amount"}]}]"#)
        #expect(list.tables.map(\.tableID) == ["orders", "customers"])
        #expect(list.tables[0].columns.map(\.name) == ["id", "amount"])

        let original = try Self.parse(
            #"{"tables": {"orders": {"columns": {"id": {"basetype": "INTEGER", "description": "Order number"}}}}}"#)
        #expect(
            original.tables == [
                .init(
                    tableID: "orders",
                    columns: [.init(name: "id", basetype: .set("INTEGER"), description: .set("Order number"))])
            ])
    }

    @Test(arguments: [
        ("{ nope", "p.json is not valid JSON"),
        ("42", "p.json: the top level is a number, not an object or a list"),
        ("[]", "p.json: the list is empty"),
        (#"{"columns": []}"#, #"p.json: missing "table_id""#),
        (#"{"table_id": "orders"}"#, #"p.json: missing "columns""#),
        (#"{"table_id": "", "columns": []}"#, "p.json: table_id: expected a non-empty string, found an empty string"),
        (#"{"table_id": "orders", "columns": []}"#, #"p.json: no columns for table "orders""#),
        (#"{"table_id": "orders", "columns": {}}"#, "p.json: columns: expected a list, found an object"),
        (#"{"table_id": "orders", "columns": [{"description": "x"}]}"#, #"p.json: columns[0]: missing "column_name""#),
        (
            #"{"table_id": "orders", "columns": [{"column_name": "id", "desc": "x"}]}"#,
            #"p.json: columns[0]: unknown key "desc" (allowed: column_name, basetype, description, confidence)"#
        ),
        (#"{"table_id": "orders", "owner": "me", "columns": []}"#, #"p.json: unknown key "owner""#),
        (
            #"{"table_id": "orders", "columns": [{"column_name": "id", "basetype": 4}]}"#,
            "p.json: columns[0].basetype: expected a string or null, found a number"
        ),
        (
            #"{"table_id": "orders", "columns": [{"column_name": "id", "confidence": null}]}"#,
            "p.json: columns[0].confidence: expected a non-empty string, found null"
        ),
        (
            #"[{"table_id": "orders", "columns": [{"column_name": "id"}]}, {"table_id": "orders", "columns": [{"column_name": "id"}]}]"#,
            #"p.json: [1]: column "id" of table "orders" is proposed twice"#
        ),
        (#"[{"table_id": "orders", "columns": [7]}]"#, "p.json: [0].columns[0]: expected an object, found a number"),
        (
            #"{"tables": {"orders": {"columns": {"id": {"column_name": "id"}}}}}"#,
            #"p.json: tables.orders.columns.id: unknown key "column_name""#
        ),
        (#"{"tables": {"orders": {"rows": 3, "columns": {}}}}"#, #"p.json: tables.orders: unknown key "rows""#),
        (#"{"tables": {}}"#, "p.json: tables: no tables"),
    ])
    func badFilesAreRefusedNamingTheFileAndThePlace(text: String, message: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("accepted: \(text)")
        } catch let error as ClientError {
            #expect(error.code == .usage, "exit 2")
            #expect(error.message.hasPrefix(message), "\(error.message)")
            #expect(error.hint?.contains("metadata-apply --help") == true)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func aMissingFileIsBadInput() {
        #expect(throws: ClientError.self) { try MetadataProposal.load(path: "/nonexistent/p.json") }
        do { _ = try MetadataProposal.load(path: "/nonexistent/p.json") } catch let error as ClientError {
            #expect(error.code == .usage && error.message == "the proposal file /nonexistent/p.json does not exist")
        } catch { Issue.record("\(error)") }
    }

    @Test func aPlanKeepsWhatTheProposalLeavesOutAndSendsOnlyWhatChanges() throws {
        let proposal = try Self.parse(
            #"{"table_id": "orders", "columns": [{"column_name": "id", "description": "The order"},"#
                + #" {"column_name": "amount", "basetype": "NUMERIC"}, {"column_name": "note", "description": null},"#
                + #" {"column_name": "new", "description": "Fresh"}]}"#)
        let current = [
            ColumnDocumentation(columnName: "id", basetype: "INTEGER", description: "Order id", confidence: "high"),
            ColumnDocumentation(columnName: "amount", basetype: "NUMERIC", confidence: "manual"),
            ColumnDocumentation(columnName: "note", description: "Free text", confidence: "manual"),
        ]
        let plan = MetadataPlan(proposal.tables[0], current: current)
        #expect(plan.changes.map(\.kind) == [.change, .same, .change, .add])
        #expect(
            plan.rows == [
                ColumnDocumentation(
                    columnName: "id", basetype: "INTEGER", description: "The order", confidence: "high"),
                ColumnDocumentation(columnName: "note", description: nil, confidence: "manual"),
                ColumnDocumentation(columnName: "new", description: "Fresh"),
            ])
        #expect(
            plan.lines == [
                "orders: 1 to add, 2 to change, 1 unchanged",
                #"  ~ id: description "Order id" → "The order""#,
                "  = amount",
                #"  ~ note: description "Free text" → (none)"#,
                #"  + new: description "Fresh"; confidence "manual""#,
            ])
    }
}
