import Foundation

/// Pages a Query Service result into a header-less RFC 4180 CSV file (every value quoted, NULL as an
/// empty unquoted field), one page in memory at a time, for ``KeboolaTableConverter`` to type.
enum KeboolaResultStager {
    /// The result's typed columns and its row count.
    struct Staged: Sendable {
        var columns: [KeboolaTableConverter.Column]
        var rows: Int64
    }

    static func stage(
        jobID: String, statement: KeboolaQueryJob.Statement, service: KeboolaQueryService, pageSize: Int, into file: URL
    ) async throws -> Staged {
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw KeboolaError(.invalidResponse, "cannot write \(file.path)")
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var columns: [KeboolaTableConverter.Column]?
        var offset: Int64 = 0
        while true {
            let page = try await service.page(jobID: jobID, statementID: statement.id, offset: offset, pageSize: pageSize)
            if columns == nil {
                guard !page.columns.isEmpty else {
                    throw KeboolaError(.invalidResponse, "Keboola's result of query job \(jobID) has no columns")
                }
                columns = page.columns.map { .init(name: $0.name, type: KeboolaColumnType.of(snowflakeType: $0.type)) }
            }
            let width = columns!.count
            var text = ""
            for row in page.data {
                guard row.count == width else {
                    throw KeboolaError(
                        .invalidResponse, "Keboola's result of query job \(jobID) has a row of \(row.count) cells for \(width) columns")
                }
                text += row.map(csvField).joined(separator: ",") + "\n"
            }
            try handle.write(contentsOf: Data(text.utf8))
            offset += Int64(page.data.count)
            let total = page.numberOfRows ?? statement.numberOfRows
            if page.data.isEmpty || (total.map { offset >= $0 } ?? false) { break }
        }
        return Staged(columns: columns ?? [], rows: offset)
    }

    private static func csvField(_ value: String?) -> String {
        guard let value else { return "" }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
