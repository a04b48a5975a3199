import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes admin metadata-show`.
struct MetadataShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata-show",
        abstract: "Show a table's column documentation: base types, descriptions, confidence.",
        discussion: """
            GET /api/admin/metadata/<table>: reading needs read access to the table, not admin.

            Examples:
              agnes admin metadata-show orders
              agnes admin metadata-show orders --json   # {table_id, columns: [{column_name, basetype, …}]}
            """)

    @Argument(help: "The table id.")
    var table: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = try ClientContext()
        let answer = try await context.withAPI { api in try await api.columnMetadata(table: table) }
        if json { return try Output.json(answer) }
        let tableID = answer["table_id"]?.string ?? table
        guard case .array(let columns)? = answer["columns"], !columns.isEmpty else {
            Output.lines(["\(tableID): no column documentation yet (agnes admin metadata-apply adds some)."])
            return
        }
        Output.lines(["\(tableID): \(columns.count) documented column\(columns.count == 1 ? "" : "s")"])
        try Output.objects(
            columns, keys: ["column_name", "basetype", "confidence", "description", "source", "updated_at"],
            json: false, environment: context.environment)
    }
}

/// `agnes admin metadata-apply`.
struct MetadataApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata-apply",
        abstract: "Apply a file of proposed column documentation through the API (admin).",
        discussion: """
            The file is checked whole before anything is sent (exit 2 naming the file and the problem). It \
            holds one table, a list of such objects, or the original Agnes's {"tables": {"<table_id>": \
            {"columns": {"<column>": {…}}}}}:

              {"table_id": "orders", "columns": [
                {"column_name": "id", "basetype": "INTEGER",
                 "description": "Order number", "confidence": "high"},
                {"column_name": "note", "description": null}]}

            column_name is required; basetype, description and confidence are optional and nothing else is \
            accepted. A field left out keeps the column's current value; null clears a basetype or a \
            description.

            Every table's current documentation is read first (GET /api/admin/metadata/<table>). --dry-run \
            prints what would change (+ added, ~ changed, = unchanged) and saves nothing; otherwise the \
            added and changed columns are sent whole (POST /api/admin/metadata/<table>, admin). Nothing is \
            written to a database directly. --push-to-source is not available yet: this server has no route \
            that pushes column documentation to Keboola.

            Examples:
              agnes admin metadata-apply proposal.json --dry-run
              agnes admin metadata-apply proposal.json
            """)

    @Argument(help: "The proposal file (JSON).")
    var proposal: String

    @Flag(name: .customLong("dry-run"), help: "Print what would change; save nothing.")
    var dryRun = false

    @Flag(name: .customLong("push-to-source"), help: "Not available yet (the original pushed to Keboola).")
    var pushToSource = false

    func run() async throws {
        if pushToSource {
            throw CommandFailure(
                cause: "--push-to-source is not available yet: this server has no route that pushes column "
                    + "documentation to Keboola (the original's POST /api/admin/metadata/{table_id}/push)",
                hint: "apply without it: the documentation is kept on the Agnes server (agnes schema shows it)",
                exitCode: 2)
        }
        let proposal = try MetadataProposal.load(path: proposal)
        let context = try ClientContext()
        let dryRun = dryRun
        let lines = try await context.withAPI { api in
            // Every table is read (and refused, if it is) before anything is saved.
            var plans: [MetadataPlan] = []
            for table in proposal.tables {
                let current = try await api.columnDocumentation(table: table.tableID)
                plans.append(MetadataPlan(table, current: current))
                await Self.warnAboutUnknownColumns(table, api: api)
            }
            guard !dryRun else { return plans.flatMap(\.lines) + ["Dry run: nothing was saved."] }
            var lines: [String] = []
            for plan in plans {
                guard !plan.rows.isEmpty else {
                    lines.append("\(plan.tableID): nothing to change (\(plan.count(.same)) unchanged).")
                    continue
                }
                let answer = try await api.saveColumnDocumentation(table: plan.tableID, columns: plan.rows)
                let saved = answer["count"]?.description ?? String(plan.rows.count)
                lines.append(
                    "\(plan.tableID): saved \(saved) column\(saved == "1" ? "" : "s") (\(plan.count(.add)) added, "
                        + "\(plan.count(.change)) changed, \(plan.count(.same)) unchanged).")
            }
            return lines
        }
        Output.lines(lines)
    }

    /// A warning for proposed columns the table does not have (a typo is otherwise stored silently),
    /// when the server can describe the table.
    static func warnAboutUnknownColumns(_ table: MetadataProposal.Table, api: AgnesAPI) async {
        guard let schema = try? await api.schema(table: table.tableID), case .array(let columns)? = schema["columns"]
        else { return }
        let names = Set(columns.compactMap { $0["name"]?.string })
        let unknown = table.columns.map(\.name).filter { !names.contains($0) }
        guard !unknown.isEmpty else { return }
        Output.warn(
            "\(table.tableID) has no column \(unknown.joined(separator: ", ")) (per GET /api/v2/schema/"
                + "\(table.tableID)): check the name")
    }
}
