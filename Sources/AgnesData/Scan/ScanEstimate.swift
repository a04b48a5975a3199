import DuckDB

/// What `/api/v2/scan/estimate` answers for a scan (REFERENCE §1.8).
///
/// For a local table the numbers are real rather than the original's zeros: the bytes scanned are the
/// table file's size (an upper bound: parquet reads only the selected columns), the rows are the
/// table's row count capped by the limit (an upper bound: the predicate is not evaluated), and the
/// result bytes are those rows times the original's per-type width guesses. There is no BigQuery
/// cost for a local table, so `bq_cost_estimate_usd` is null.
public struct ScanEstimate: Sendable, Hashable, Encodable {
    /// The table id.
    public let tableID: String
    /// Bytes the scan reads at most.
    public let estimatedScanBytes: Int64
    /// Rows the scan returns at most.
    public let estimatedResultRows: Int64
    /// A guess of the result's size.
    public let estimatedResultBytes: Int64
    /// BigQuery's price of the scan; nil for local tables.
    public let bqCostEstimateUSD: Double?

    enum CodingKeys: String, CodingKey {
        case tableID = "table_id"
        case estimatedScanBytes = "estimated_scan_bytes"
        case estimatedResultRows = "estimated_result_rows"
        case estimatedResultBytes = "estimated_result_bytes"
        case bqCostEstimateUSD = "bq_cost_estimate_usd"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tableID, forKey: .tableID)
        try container.encode(estimatedScanBytes, forKey: .estimatedScanBytes)
        try container.encode(estimatedResultRows, forKey: .estimatedResultRows)
        try container.encode(estimatedResultBytes, forKey: .estimatedResultBytes)
        try container.encode(bqCostEstimateUSD, forKey: .bqCostEstimateUSD)  // null, not absent
    }

    /// Creates an estimate from its figures.
    init(tableID: String, scanBytes: Int64, resultRows: Int64, resultBytes: Int64, costUSD: Double?) {
        self.tableID = tableID
        estimatedScanBytes = scanBytes
        estimatedResultRows = resultRows
        estimatedResultBytes = resultBytes
        bqCostEstimateUSD = costUSD
    }

    /// The estimate of a prepared scan of a remote table from the bytes its source would scan (a
    /// BigQuery dry run; nil: the size the table's last sync recorded): rows are those bytes over the
    /// row width (BigQuery's rule, REFERENCE §1.8), or the recorded row count, capped by the limit;
    /// BigQuery's cost is the bytes in TiB times `costPerTB`.
    init(remote scan: PreparedScan, scanBytes: Int64?, costPerTB: Double?) {
        let rowWidth = max(1, scan.columns.reduce(Int64(0)) { $0 + Self.width(of: $1.type) })
        let bytes = scanBytes ?? scan.table.sizeBytes ?? 0
        var rows = scanBytes.map { $0 / rowWidth } ?? max(0, scan.table.rows ?? 0)
        if let limit = scan.limit { rows = min(rows, Int64(limit)) }
        let cost = costPerTB.map { (Double(bytes) / 1_099_511_627_776 * $0 * 10_000).rounded() / 10_000 }
        self.init(
            tableID: scan.table.id, scanBytes: bytes, resultRows: rows, resultBytes: rows * rowWidth, costUSD: cost)
    }

    /// The estimate of a prepared scan of a local table.
    public init(_ scan: PreparedScan) {
        let rows = max(0, scan.table.rows ?? 0)
        let resultRows = scan.limit.map { min(Int64($0), rows) } ?? rows
        let rowWidth = scan.columns.reduce(Int64(0)) { $0 + Self.width(of: $1.type) }
        tableID = scan.table.id
        estimatedScanBytes = scan.table.dataSizeBytes ?? 0
        estimatedResultRows = resultRows
        estimatedResultBytes = resultRows * rowWidth
        bqCostEstimateUSD = nil
    }

    /// The original's guess of a value's size: 8 for numbers and times, 32 for text, 64 for bytes,
    /// 1 for booleans, 16 for anything else.
    static func width(of type: DuckDBType) -> Int64 {
        switch type {
        case .tinyint, .smallint, .integer, .bigint, .utinyint, .usmallint, .uinteger, .ubigint, .float, .double,
            .date, .time, .timestamp, .timestampS, .timestampMS, .timestampNS, .timestampTZ:
            return 8
        case .varchar: return 32
        case .blob: return 64
        case .boolean: return 1
        default: return 16
        }
    }
}
