import AgnesCore
import DuckDB
import Foundation
import Testing

@testable import AgnesData

@Suite struct TableProfilerEdgeTests {
    @Test func aTableAboveTheSampleSizeIsProfiledFromASampleSpanningTheFile() async throws {
        var settings = ProfilerSettings()
        settings.sampleSize = 1000
        let sql = """
            SELECT range AS id, TIMESTAMP '2024-01-01' + INTERVAL (range) MINUTE AS at,
                CASE WHEN range % 2 = 0 THEN NULL ELSE range END AS half
            FROM range(10000)
            """
        let document = try await ProfilerFiles().profile(sql, settings: settings)
        #expect(document.isSampled && document.rowCount == 10000)
        let id = try #require(document.column("id"))
        #expect(id.nullCount == 0 && id.uniqueCount == 1000)
        #expect(id.numeric?.min == .integer(0) && id.numeric?.max == .integer(9999))
        #expect(document.column("half")?.completenessPercent == 50.0)
        #expect(document.dateRange == DateRange(earliest: "2024-01-01", latest: "2024-01-07", spanDays: 6))
        settings.sampleSize = 10000
        #expect(try await ProfilerFiles().profile(sql, settings: settings).isSampled == false)
    }

    @Test(arguments: [(10000, 1000), (21, 20), (22, 21), (1_000_003, 500_000), (5, 1), (100, 99)])
    func sampleBlocksHoldExactlyTheSampleInOrderWithinTheFile(rows: Int, sampleSize: Int) {
        let ranges = SampleBlocks.ranges(rows: rows, sampleSize: sampleSize)
        #expect(ranges.reduce(0) { $0 + $1.count } == sampleSize)
        #expect(ranges.first?.lowerBound == 0)
        #expect(ranges.count == 1 || ranges.last?.upperBound == rows - 1)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound })
        #expect(ranges.count == min(20, sampleSize))
    }

    @Test func anEmptyTableHasColumnsButNoValuesAndNoAlerts() async throws {
        let document = try await ProfilerFiles().profile(
            "SELECT 1::BIGINT AS n, 'a' AS s, DATE '2024-01-01' AS d, true AS b FROM range(0)")
        #expect(document.rowCount == 0 && document.columnCount == 4 && !document.isSampled)
        #expect(document.alerts.isEmpty && document.sampleRows.isEmpty && document.dateRange == nil)
        #expect(document.averageCompleteness == 0.0 && document.missingCellsPercent == 0.0)
        #expect(document.duplicateRows == 0)
        for column in document.columns {
            #expect(column.nullCount == 0 && column.uniqueCount == 0 && column.completenessPercent == 0.0)
            #expect(column.alerts.isEmpty && column.sampleValues.isEmpty)
        }
        #expect(document.column("n")?.numeric?.min == nil && document.column("n")?.numeric?.histogram == Histogram())
        #expect(
            document.column("s")?.string
                == StringStatistics(minLength: 0, maxLength: 0, averageLength: 0, topValues: []))
        #expect(
            document.column("d")?.date
                == DateStatistics(earliest: nil, latest: nil, spanDays: nil, histogram: Histogram()))
        #expect(document.column("b")?.boolean == BooleanStatistics(trueCount: 0, falseCount: 0, truePercent: 0))
    }

    @Test func anAllNullColumnIsHighMissingWithEmptyStatistics() async throws {
        let document = try await ProfilerFiles().profile(
            """
            SELECT range AS id, NULL::DOUBLE AS n, NULL::VARCHAR AS s, NULL::DATE AS d, NULL::BOOLEAN AS b
            FROM range(10)
            """)
        for name in ["n", "s", "d", "b"] {
            let column = try #require(document.column(name))
            #expect(column.completenessPercent == 0.0 && column.nullCount == 10 && column.uniqueCount == 0)
            #expect(column.alerts == [.highMissing] && column.sampleValues.isEmpty)
        }
        let numeric = try #require(document.column("n")?.numeric)
        #expect(numeric.min == nil && numeric.mean == nil && numeric.median == nil && numeric.histogram == Histogram())
        #expect(document.column("s")?.string?.topValues == [])
        #expect(document.column("d")?.date?.earliest == nil)
        #expect(document.dateRange == nil)
        #expect(document.missingCells == 40 && document.missingCellsPercent == 80.0)
        #expect(document.averageCompleteness == 20.0)
        #expect(
            document.alerts.filter { $0.type == .highMissing }.map(\.message).first == "n has 100.0% missing values")
        #expect(document.sampleRows.first?.values.map(\.text) == ["0", nil, nil, nil, nil])
    }

    @Test func nestedDecimalAndOddTypesAreProfiledWithoutFailing() async throws {
        let document = try await ProfilerFiles().profile(
            """
            SELECT [range, range + 1] AS l, {'a': range} AS s, TIME '12:00:00' AS t,
                (range / 10)::DECIMAL(10, 2) AS price, CASE WHEN range = 1 THEN 'nan'::DOUBLE ELSE range END AS f
            FROM range(5)
            """)
        #expect(document.columns.map(\.category) == [.string, .string, .string, .numeric, .numeric])
        #expect(document.column("l")?.string?.minLength == 6)
        #expect(document.column("l")?.sampleValues.first == "[0, 1]")
        let price = try #require(document.column("price")?.numeric)
        #expect(price.min == .decimal(0) && price.max == .decimal(0.4) && price.mean == 0.2)
        let f = try #require(document.column("f")?.numeric)
        #expect(f.min == .decimal(0) && f.max == .decimal(4) && f.histogram.counts.reduce(0, +) == 4)
    }

    @Test func oddColumnNamesAndZonedTimestampsAreProfiled() async throws {
        let document = try await ProfilerFiles().profile(
            """
            SELECT range AS "my col", 'v' || range AS "a""b", range AS "select",
                TIMESTAMPTZ '2024-03-31 23:30:00+00' + INTERVAL (range) HOUR AS tz
            FROM range(3)
            """, primaryKey: ["my col", "a\"b"])
        #expect(document.columns.map(\.name) == ["my col", "a\"b", "select", "tz"])
        #expect(document.column("a\"b")?.sampleValues == ["v0", "v1", "v2"])
        #expect(document.duplicateRows == 0 && document.column("my col")?.isPrimaryKey == true)
        let tz = try #require(document.column("tz"))
        #expect(tz.category == .timestamp && tz.date?.earliest == "2024-03-31" && tz.date?.latest == "2024-04-01")
        #expect(tz.date?.histogram == Histogram(bins: ["2024-Q1", "2024-Q2"], counts: [1, 2]))
        #expect(document.sampleRows.first?.values.first { $0.name == "tz" }?.text == "2024-03-31 23:30:00+00")
    }

    @Test func theJSONHasTheOriginalsFieldsWithNullsWhereItHadThem() async throws {
        let document = try await ProfilerFiles().profile("SELECT range AS n, 'x' AS s FROM range(3)")
        let json = try document.json()
        #expect(
            Set(json.keys) == [
                "table_id", "description", "primary_key", "sync_strategy", "row_count", "column_count", "file_size_mb",
                "avg_completeness", "missing_cells", "missing_cells_pct", "duplicate_rows", "variable_types",
                "date_range", "alerts", "sampled", "last_sync", "related_tables", "used_by_metrics", "columns",
                "sample_rows",
            ])
        #expect(json["date_range"] is NSNull && json["description"] is NSNull && json["last_sync"] is NSNull)
        let columns = try #require(json["columns"] as? [[String: Any]])
        let common: Set<String> = [
            "name", "type", "type_category", "completeness_pct", "null_count", "unique_count", "unique_pct",
            "sample_values", "is_primary_key", "alerts",
        ]
        #expect(Set(columns[0].keys) == common.union(["numeric_stats"]))
        #expect(Set(columns[1].keys) == common.union(["string_stats"]))
        let numeric = try #require(columns[0]["numeric_stats"] as? [String: Any])
        #expect(
            Set(numeric.keys) == [
                "min", "max", "mean", "median", "stddev", "p5", "p25", "p75", "p95", "zeros", "zeros_pct", "negative",
                "negative_pct", "histogram",
            ])
        #expect(columns[0]["type_category"] as? String == "NUMERIC")
        let alerts = try #require(json["alerts"] as? [[String: Any]])
        #expect(alerts.contains { $0["type"] as? String == "unique" && $0["column"] as? String == "n" })
        #expect((json["sample_rows"] as? [[String: Any]])?.first?["s"] as? String == "x")
    }

    @Test(arguments: [
        (1500.0, "1.5K"), (2_000_000.0, "2.0M"), (3e9, "3.0B"), (0.25, "0.25"), (7.0, "7"), (-1500.0, "-1.5K"),
        (0.0, "0"), (999.999, "1000.00"),
    ])
    func histogramLabelsAreTheOriginals(value: Double, label: String) {
        #expect(ProfileMath.label(value) == label)
    }

    @Test(arguments: [
        ("BIGINT", TypeCategory.numeric), ("DECIMAL(10,2)", .numeric), ("DOUBLE", .numeric), ("UHUGEINT", .numeric),
        ("VARCHAR", .string), ("BOOLEAN", .boolean), ("DATE", .date), ("TIMESTAMP", .timestamp),
        ("TIMESTAMP WITH TIME ZONE", .timestamp), ("TIMESTAMP_NS", .timestamp), ("TIME", .string),
        ("INTEGER[]", .string), ("STRUCT(a TIMESTAMP)", .string), ("MAP(VARCHAR, INTEGER)", .string), ("UUID", .string),
    ])
    func typesFallIntoTheOriginalsCategories(type: String, category: TypeCategory) {
        #expect(TypeCategory(duckDBType: type) == category)
    }
}
