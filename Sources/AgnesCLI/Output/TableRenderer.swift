import Foundation

/// Draws a ``ResultTable`` as a box with a header (names, then types when known), numbers
/// right-aligned, fitted to `maximumWidth`: wide columns are cut with `…` first; when even narrow
/// columns do not fit, middle columns are replaced by one `…` column.
public struct TableRenderer: Sendable {
    /// The width to fit, nil for none.
    public var maximumWidth: Int?
    /// No column is cut below this many characters.
    public var minimumColumnWidth = 4
    /// When columns must be hidden, the shown ones keep at least this width (or their own, if less).
    public var readableColumnWidth = 12
    /// No column is wider than this, even without a width limit.
    public var largestColumnWidth = 80

    /// Creates a renderer.
    public init(maximumWidth: Int?) {
        self.maximumWidth = maximumWidth
    }

    /// The drawn table with a row-count footer.
    public func render(_ table: ResultTable) -> String {
        guard !table.columns.isEmpty else { return "(no columns)" }
        let header = table.columns.map { Self.clean($0.name) }
        let types = table.columns.map { $0.type.map { Self.clean($0.lowercased()) } ?? "" }
        let hasTypes = table.columns.contains { $0.type != nil }
        let cells = table.rows.map { $0.map { Self.clean($0.text) } }
        var widths = table.columns.indices.map { index in
            let longest = cells.reduce(0) { max($0, $1[index].count) }
            return min(largestColumnWidth, max(header[index].count, types[index].count, longest, 1))
        }
        var shown = Array(table.columns.indices)
        if let maximumWidth { (shown, widths) = fit(widths, into: maximumWidth) }
        let numeric = table.columns.indices.map { index in
            table.columns[index].isNumeric
                || (!table.rows.isEmpty && table.rows.allSatisfy { $0[index].isNumeric || $0[index].isNull })
        }

        func line(_ left: String, _ middle: String, _ right: String) -> String {
            left
                + zip(shown, widths).map { _, width in String(repeating: "─", count: width + 2) }
                .joined(separator: middle) + right
        }
        func row(_ values: [String], alignRight: [Bool]) -> String {
            "│"
                + zip(zip(shown, widths), zip(values, alignRight)).map { pair, value in
                    " " + Self.pad(value.0, to: pair.1, right: value.1) + " "
                }.joined(separator: "│") + "│"
        }
        func pick(_ values: [String]) -> [String] { shown.map { $0 < 0 ? "…" : values[$0] } }
        func align(_ flags: [Bool]) -> [Bool] { shown.map { $0 < 0 ? false : flags[$0] } }

        var lines = [line("┌", "┬", "┐"), row(pick(header), alignRight: align(numeric))]
        if hasTypes { lines.append(row(pick(types), alignRight: align(numeric))) }
        lines.append(line("├", "┼", "┤"))
        for values in cells { lines.append(row(pick(values), alignRight: align(numeric))) }
        lines.append(line("└", "┴", "┘"))
        lines.append(footer(table, hiddenColumns: table.columns.count - shown.filter { $0 >= 0 }.count))
        return lines.joined(separator: "\n")
    }

    func footer(_ table: ResultTable, hiddenColumns: Int) -> String {
        var text = table.rows.count == 1 ? "1 row" : "\(table.rows.count) rows"
        if table.isTruncated { text += " (truncated: more rows exist; raise --limit)" }
        if hiddenColumns > 0 {
            text += ", \(hiddenColumns) column\(hiddenColumns == 1 ? "" : "s") hidden (use --format json or csv)"
        }
        return text
    }

    /// The columns to show (-1 marks the `…` column) and their widths, within `limit` characters.
    func fit(_ natural: [Int], into limit: Int) -> ([Int], [Int]) {
        func frame(_ count: Int) -> Int { 1 + 3 * count }
        let count = natural.count
        if natural.reduce(0, +) + frame(count) <= limit { return (Array(natural.indices), natural) }
        let floors = natural.map { min($0, minimumColumnWidth) }
        if floors.reduce(0, +) + frame(count) <= limit {
            return (Array(natural.indices), shrink(natural, to: limit - frame(count)))
        }
        // Keep columns from both ends, alternately, while they fit at a readable width beside `…`.
        let readable = natural.map { min($0, readableColumnWidth) }
        var left: [Int] = []
        var right: [Int] = []
        var (next, last, takeLeft) = (0, count - 1, true)
        while next <= last {
            let kept = left + [takeLeft ? next : last] + right
            if kept.reduce(1, { $0 + readable[$1] }) + frame(kept.count + 1) > limit { break }
            if takeLeft {
                left.append(next)
                next += 1
            } else {
                right.insert(last, at: 0)
                last -= 1
            }
            takeLeft.toggle()
        }
        if left.isEmpty { left = [0] }
        let columns = left + [-1] + right
        let wanted = columns.map { $0 < 0 ? 1 : natural[$0] }
        return (columns, shrink(wanted, to: limit - frame(columns.count)))
    }

    /// Narrows the widest columns, one character at a time, until the widths sum to at most `budget`.
    func shrink(_ widths: [Int], to budget: Int) -> [Int] {
        var result = widths
        var excess = result.reduce(0, +) - budget
        while excess > 0 {
            guard let widest = result.indices.max(by: { result[$0] < result[$1] }), result[widest] > minimumColumnWidth
            else { break }
            result[widest] -= 1
            excess -= 1
        }
        return result
    }

    static func pad(_ text: String, to width: Int, right: Bool) -> String {
        let cut = text.count > width ? String(text.prefix(max(0, width - 1))) + "…" : text
        let padding = String(repeating: " ", count: max(0, width - cut.count))
        return right ? padding + cut : cut + padding
    }

    static func clean(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline || $0 == "\t" }) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "↵").replacingOccurrences(of: "\n", with: "↵")
            .replacingOccurrences(of: "\r", with: "↵").replacingOccurrences(of: "\t", with: " ")
    }
}
