import AgnesCore
import DuckDB
import Foundation
import Testing

@testable import AgnesData

@Suite struct TableProfilerTests {
    static let typedTable = """
        SELECT range + 1 AS id, (range * 1.5)::DOUBLE AS amount,
            CASE WHEN range < 14 THEN 'open' ELSE 'closed' END AS status,
            DATE '2024-01-01' + (range * 10)::INTEGER AS day, range % 4 = 0 AS flag,
            TIMESTAMP '2024-01-01 10:00:00' + INTERVAL (range) HOUR AS at
        FROM range(20)
        """

    @Test func numericColumnsGetMomentsPercentilesZerosAndAHistogram() async throws {
        let document = try await ProfilerFiles().profile(Self.typedTable, primaryKey: ["id"])
        let id = try #require(document.column("id"))
        #expect(id.type == "BIGINT" && id.category == .numeric && id.isPrimaryKey)
        let stats = try #require(id.numeric)
        #expect(stats.min == .integer(1) && stats.max == .integer(20))
        #expect(stats.mean == 10.5 && stats.median == 10.5 && stats.stddev == 5.92)
        #expect([stats.p5, stats.p25, stats.p75, stats.p95] == [1.95, 5.75, 15.25, 19.05])
        #expect(stats.zeros == 0 && stats.negative == 0 && stats.zerosPercent == 0.0)
        #expect(stats.histogram.counts.count == 15 && stats.histogram.counts.reduce(0, +) == 20)
        #expect(stats.histogram.bins.first == "1-2.27" && stats.histogram.bins.last == "18.73-20")
        #expect(id.alerts == [.unique])
        #expect(id.sampleValues == ["1", "2", "3", "4", "5"])
        let amount = try #require(document.column("amount")?.numeric)
        #expect(amount.min == .decimal(0) && amount.max == .decimal(28.5))
        #expect(amount.zeros == 1 && amount.zerosPercent == 5.0)
        #expect(document.column("amount")?.isPrimaryKey == false)
    }

    @Test(arguments: [5_000, 100])
    func aBaseAndADeltaAreProfiledAsOneTableWholeOrSampled(sampleSize: Int) async throws {
        // 1,000 base rows; the delta replaces 100 of them (status 'changed') and adds 100.
        let document = try await ProfilerFiles().profile(
            base: "SELECT range AS id, 'base' AS status FROM range(1000)",
            delta: "SELECT range * 10 AS id, 'changed' AS status FROM range(110)", key: ["id"],
            settings: ProfilerSettings(sampleSize: sampleSize))
        #expect(document.rowCount == 1010)
        #expect(document.isSampled == (sampleSize < 1010))
        #expect(document.duplicateRows == 0)
        let status = try #require(document.column("status"))
        #expect(status.uniqueCount == 2)
        if sampleSize > 1010 {
            #expect(document.column("id")?.numeric?.max == .integer(1090))
        }
    }

    @Test func stringDateTimestampAndBooleanColumnsGetTheirStatistics() async throws {
        let document = try await ProfilerFiles().profile(Self.typedTable)
        let status = try #require(document.column("status"))
        #expect(status.category == .string && status.uniqueCount == 2 && status.uniquePercent == 10.0)
        let text = try #require(status.string)
        #expect(text.minLength == 4 && text.maxLength == 6 && text.averageLength == 4.6)
        #expect(
            text.topValues == [
                TopValue(value: "open", count: 14, pct: 70.0), TopValue(value: "closed", count: 6, pct: 30.0),
            ])
        #expect(status.alerts == [.imbalance])
        let day = try #require(document.column("day")?.date)
        #expect(day.earliest == "2024-01-01" && day.latest == "2024-07-09" && day.spanDays == 190)
        #expect(day.histogram == Histogram(bins: ["2024-Q1", "2024-Q2", "2024-Q3"], counts: [10, 9, 1]))
        let at = try #require(document.column("at"))
        #expect(at.category == .timestamp && at.type == "TIMESTAMP")
        #expect(at.date?.earliest == "2024-01-01" && at.date?.latest == "2024-01-02" && at.date?.spanDays == 1)
        #expect(at.date?.histogram == Histogram(bins: ["2024-Q1"], counts: [20]))
        #expect(document.column("flag")?.boolean == BooleanStatistics(trueCount: 5, falseCount: 15, truePercent: 25.0))
        #expect(document.dateRange == DateRange(earliest: "2024-01-01", latest: "2024-07-09", spanDays: 190))
        #expect(
            document.variableTypes == ["NUMERIC": 2, "STRING": 1, "DATE": 1, "BOOLEAN": 1, "TIMESTAMP": 1])
        #expect(document.rowCount == 20 && document.columnCount == 6 && !document.isSampled)
        #expect(document.missingCells == 0 && document.averageCompleteness == 100.0)
        let first = try #require(document.sampleRows.first)
        #expect(first.values.map(\.name) == ["id", "amount", "status", "day", "flag", "at"])
        #expect(first.values.map(\.text) == ["1", "0.0", "open", "2024-01-01", "true", "2024-01-01 10:00:00"])
        #expect(document.sampleRows.count == 5)
    }

    @Test func eachAlertIsRaisedByTheColumnMadeForIt() async throws {
        let document = try await ProfilerFiles().profile(
            """
            SELECT 'x' AS c_constant, range AS c_unique, CASE WHEN range < 40 THEN NULL ELSE 1 END AS c_high_missing,
                CASE WHEN range < 10 THEN NULL ELSE range END AS c_missing,
                CASE WHEN range < 80 THEN 'a' ELSE 'b' END AS c_imbalance,
                CASE WHEN range < 60 THEN 0 ELSE range END AS c_zeros, 'v' || (range % 60) AS c_cardinality
            FROM range(100)
            """)
        let alerts = Dictionary(uniqueKeysWithValues: document.columns.map { ($0.name, $0.alerts) })
        #expect(
            alerts == [
                "c_constant": [.constant, .imbalance], "c_unique": [.unique], "c_high_missing": [.highMissing],
                "c_missing": [.missing], "c_imbalance": [.imbalance], "c_zeros": [.zeros],
                "c_cardinality": [.highCardinality],
            ])
        #expect(
            Set(document.alerts.map(\.message)) == [
                "c_constant is constant (single value)", "c_constant is highly imbalanced (top value 100.0%)",
                "c_unique has all unique values", "c_high_missing has 40.0% missing values",
                "c_missing has 10.0% missing values", "c_imbalance is highly imbalanced (top value 80.0%)",
                "c_zeros has 60.0% zero values", "c_cardinality has high cardinality (60 distinct)",
            ])
        #expect(document.alerts.allSatisfy { alerts[$0.column]?.contains($0.type) == true })
        #expect(document.column("c_cardinality")?.string?.topValues == [])
        #expect(document.missingCells == 50 && document.missingCellsPercent == 7.14)
    }

    @Test func thresholdsComeFromTheSettings() async throws {
        var settings = ProfilerSettings()
        settings.alertMissingPercent = 20
        settings.maxCategoricalDistinct = 100
        settings.topValuesLimit = 3
        let document = try await ProfilerFiles().profile(
            """
            SELECT CASE WHEN range < 10 THEN NULL ELSE range END AS c_missing, 'v' || (range % 60) AS c_cardinality
            FROM range(100)
            """, settings: settings)
        #expect(document.column("c_missing")?.alerts == [])
        let cardinality = try #require(document.column("c_cardinality"))
        #expect(cardinality.alerts == [])
        #expect(cardinality.string?.topValues.map(\.value) == ["v0", "v1", "v10"])
        #expect(cardinality.string?.topValues.first?.count == 2)
    }

    @Test func duplicateRowsAreCountedByThePrimaryKey() async throws {
        let files = try ProfilerFiles()
        let sql = "SELECT range % 7 AS k, range AS v FROM range(10)"
        #expect(try await files.profile(sql, primaryKey: ["k"]).duplicateRows == 3)
        #expect(try await files.profile(sql, primaryKey: ["k", "v"]).duplicateRows == 0)
        #expect(try await files.profile(sql, primaryKey: ["missing"]).duplicateRows == 0)
        let document = try await files.profile(sql, primaryKey: ["k", "v"])
        #expect(document.primaryKey == "k, v")
        #expect(document.columns.map(\.isPrimaryKey) == [true, true])
        #expect(try await files.profile(sql).primaryKey == nil)
    }
}
