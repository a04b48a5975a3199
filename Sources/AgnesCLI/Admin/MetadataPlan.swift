import AgnesClient
import Foundation

/// What applying one table of a ``MetadataProposal`` changes, against the table's current column
/// documentation: the columns to add, to change (field by field) and left as they are, and the whole
/// rows to send (the server replaces a column's row, so fields the proposal leaves out are filled in
/// from the current ones).
///
/// ```swift
/// let current = try await api.columnDocumentation(table: "orders")
/// let plan = MetadataPlan(proposal.tables[0], current: current)
/// print(plan.lines.joined(separator: "\n"))
/// ```
public struct MetadataPlan: Sendable, Equatable {
    /// One field that changes.
    public struct FieldChange: Sendable, Equatable {
        /// `basetype`, `description` or `confidence`.
        public var field: String
        /// Its value now.
        public var old: String?
        /// Its value after the change.
        public var new: String?
    }

    /// What happens to one column.
    public struct ColumnChange: Sendable, Equatable {
        /// `add`, `change` or `same`.
        public enum Kind: String, Sendable { case add, change, same }
        /// The column.
        public var column: String
        /// What happens.
        public var kind: Kind
        /// The fields that change (for `add`, the ones given).
        public var fields: [FieldChange]
    }

    /// The table's registry id.
    public var tableID: String
    /// Every proposed column, in proposal order.
    public var changes: [ColumnChange]
    /// The rows to send: added and changed columns, whole.
    public var rows: [ColumnDocumentation]

    /// The plan for `table` given its `current` documentation.
    public init(_ table: MetadataProposal.Table, current: [ColumnDocumentation]) {
        tableID = table.tableID
        let existing = Dictionary(current.map { ($0.columnName, $0) }, uniquingKeysWith: { first, _ in first })
        changes = []
        rows = []
        for column in table.columns {
            let before = existing[column.name]
            let after = ColumnDocumentation(
                columnName: column.name, basetype: column.basetype.applied(to: before?.basetype),
                description: column.description.applied(to: before?.description),
                confidence: column.confidence ?? before?.confidence)
            // The server records `manual` when no confidence is sent.
            let fields = [
                FieldChange(field: "basetype", old: before?.basetype, new: after.basetype),
                FieldChange(field: "description", old: before?.description, new: after.description),
                FieldChange(
                    field: "confidence", old: before.map { $0.confidence ?? "manual" },
                    new: after.confidence ?? "manual"),
            ].filter { $0.old != $0.new && !(before == nil && $0.new == nil) }
            let kind: ColumnChange.Kind = before == nil ? .add : fields.isEmpty ? .same : .change
            changes.append(ColumnChange(column: column.name, kind: kind, fields: fields))
            if kind != .same { rows.append(after) }
        }
    }

    /// How many columns of `kind` there are.
    public func count(_ kind: ColumnChange.Kind) -> Int { changes.filter { $0.kind == kind }.count }

    /// `orders: 1 to add, 1 to change, 2 unchanged`.
    public var summary: String {
        "\(tableID): \(count(.add)) to add, \(count(.change)) to change, \(count(.same)) unchanged"
    }

    /// The summary, then a line per column: `+` added, `~` changed (old → new), `=` unchanged.
    public var lines: [String] {
        [summary]
            + changes.map { change in
                switch change.kind {
                case .add:
                    "  + \(change.column): "
                        + change.fields.map { "\($0.field) \(Self.quoted($0.new))" }.joined(separator: "; ")
                case .change:
                    "  ~ \(change.column): "
                        + change.fields.map { "\($0.field) \(Self.quoted($0.old)) → \(Self.quoted($0.new))" }
                        .joined(separator: "; ")
                case .same:
                    "  = \(change.column)"
                }
            }
    }

    static func quoted(_ value: String?) -> String {
        guard let value else { return "(none)" }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
