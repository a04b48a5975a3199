/// What a caller asks `/api/v2/scan` for (REFERENCE §1.8): columns, a WHERE predicate, an order and a
/// row limit over one table. Every part is checked by ``ScanService/prepare(_:maxLimit:)``.
public struct ScanRequest: Sendable, Hashable {
    /// The table id.
    public var tableID: String
    /// Columns to return (nil or empty: all), each `^[A-Za-z_][A-Za-z0-9_]{0,63}$` and existing.
    public var select: [String]?
    /// A WHERE predicate in DuckDB's SQL, checked and re-rendered by ``WhereValidator``.
    public var predicate: String?
    /// At most this many rows (1 … `api.scan.max_limit`).
    public var limit: Int?
    /// `column [ASC|DESC]` terms.
    public var orderBy: [String]?

    /// Creates a request.
    public init(
        tableID: String, select: [String]? = nil, predicate: String? = nil, limit: Int? = nil,
        orderBy: [String]? = nil
    ) {
        self.tableID = tableID
        self.select = select
        self.predicate = predicate
        self.limit = limit
        self.orderBy = orderBy
    }
}

/// Why a scan did not run.
public enum ScanError: Error, Sendable, Equatable {
    /// The WHERE predicate was refused.
    case rejected(ScanRejection)
    /// A malformed part of the request (column names, order, limit): a message for the caller.
    case invalid(String)
    /// The table is not served.
    case notFound(String)
    /// DuckDB failed the scan (its message).
    case failed(String)
    /// The scan ran past its time limit and was stopped.
    case timedOut(Duration)
    /// There is no analytics generation yet.
    case notReady
    /// The source of the remote table refused the scan (too many bytes, a quota).
    case refused(RemoteScanRefusal)
}

extension ScanRequest {
    /// `^[A-Za-z_][A-Za-z0-9_]{0,63}$`.
    static func isColumnName(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 64, !isDigit(first) else { return false }
        return bytes.allSatisfy { isWord($0) }
    }

    /// Splits `column [ASC|DESC]` (`^[A-Za-z_][A-Za-z0-9_]*(\s+(ASC|DESC))?$`, direction in any case).
    static func orderTerm(_ text: String) -> (column: String, descending: Bool)? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard text.first.map({ !$0.isWhitespace }) == true, (1...2).contains(parts.count) else { return nil }
        let column = parts[0]
        guard let first = column.utf8.first, !isDigit(first), column.utf8.allSatisfy(isWord) else { return nil }
        guard parts.count == 2 else { return (String(column), false) }
        switch parts[1].uppercased() {
        case "ASC": return (String(column), false)
        case "DESC": return (String(column), true)
        default: return nil
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isWord(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }
}
