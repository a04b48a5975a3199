import DuckDB
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw KeboolaError(.invalidResponse, "cannot write the query result to \(file.path): errno \(errno)")
        }
        defer { close(descriptor) }
        var columns: [KeboolaTableConverter.Column]?
        var offset: Int64 = 0
        while true {
            let page = try await service.page(
                jobID: jobID, statementID: statement.id, offset: offset, pageSize: pageSize)
            if columns == nil {
                guard !page.columns.isEmpty else {
                    throw KeboolaError(.invalidResponse, "Keboola's result of query job \(jobID) has no columns")
                }
                let names = uniqueNames(page.columns.map(\.name))
                columns = zip(names, page.columns).map { name, column in
                    .init(name: name, type: KeboolaColumnType.of(snowflakeType: column.type))
                }
            }
            let width = columns!.count
            var text = ""
            for row in page.data {
                guard row.count == width else {
                    throw KeboolaError(
                        .invalidResponse,
                        "Keboola's result of query job \(jobID) has a row of \(row.count) cells for \(width) columns")
                }
                text += row.map(csvField).joined(separator: ",") + "\n"
            }
            let bytes = Array(text.utf8)
            try await offloaded("agnes.keboola.stage") { try write(bytes, to: descriptor, path: file.path) }
            offset += Int64(page.data.count)
            let total = page.numberOfRows ?? statement.numberOfRows
            // Without a total, a short page is the last (a server ignoring `offset` cannot loop forever).
            if page.data.isEmpty || (total.map { offset >= $0 } ?? (page.data.count < pageSize)) { break }
        }
        return Staged(columns: columns ?? [], rows: offset)
    }

    /// Column names a parquet file can hold: an empty name becomes `column_<n>`, a repeated one (`SELECT
    /// a.id, b.id` gives two `ID`s) gets `_2`, `_3`, … (compared case-insensitively, as DuckDB does).
    static func uniqueNames(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.enumerated().map { index, name in
            let base = name.isEmpty ? "column_\(index + 1)" : name
            var candidate = base
            var suffix = 2
            while seen.contains(candidate.lowercased()) {
                candidate = "\(base)_\(suffix)"
                suffix += 1
            }
            seen.insert(candidate.lowercased())
            return candidate
        }
    }

    /// Writes all of `bytes` (blocking: call it off the cooperative pool).
    private static func write(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else {
                if count < 0 && errno == EINTR { continue }
                throw KeboolaError(.invalidResponse, "cannot write the query result to \(path): errno \(errno)")
            }
            written += count
        }
    }

    private static func csvField(_ value: String?) -> String {
        guard let value else { return "" }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
