import AgnesCore
import DuckDB
import Foundation

/// Profiles one parquet file into the §4.4 ``ProfileDocument``.
///
/// The rows are copied once into a private in-memory DuckDB (sampled above `sample_size`, see
/// ``ProfileWorkspace``); then four queries compute everything: one aggregate scan for counts and
/// scalar statistics, one for histograms and top values, one over the first rows for sample values,
/// one for sample rows. Blocking: run it off the cooperative pool (``ProfilingService`` does).
///
/// ```swift
/// let profiler = TableProfiler(settings: settings.profiler)
/// let document = try profiler.profile(ProfileSubject(tableID: "orders", file: file, primaryKey: ["order_id"]))
/// print(document.columns.map(\.name))
/// ```
public struct TableProfiler: Sendable {
    /// Rows read for sample values: the first of the working table.
    static let sampleValueRows = 1000

    /// Thresholds and sizes.
    public let settings: ProfilerSettings
    /// DuckDB resources of a run.
    public let limits: ProfilerLimits

    /// Creates a profiler.
    public init(settings: ProfilerSettings = ProfilerSettings(), limits: ProfilerLimits = ProfilerLimits()) {
        self.settings = settings
        self.limits = limits
    }

    /// Profiles `subject.file`. Blocking.
    public func profile(_ subject: ProfileSubject) throws -> ProfileDocument {
        let workspace = try ProfileWorkspace(
            file: subject.file, delta: subject.delta, sampleSize: settings.sampleSize, limits: limits)
        let columns = workspace.columns.map { ProfiledColumn(name: $0.name, type: $0.type) }
        let (aggregates, distinctKeys) = try AggregatePass(columns: columns, primaryKey: subject.primaryKey)
            .run(on: workspace)
        let distributions = try DistributionPass(columns: columns, aggregates: aggregates, settings: settings)
            .run(on: workspace)
        let samples = try sampleValues(columns, aggregates, workspace)
        let rules = ProfileAlerts(settings: settings)
        let keyColumns = Set(subject.primaryKey)
        var profiles: [ColumnProfile] = []
        for (index, column) in columns.enumerated() {
            profiles.append(
                self.column(
                    column, aggregates[index], rows: workspace.rows, rules: rules,
                    histogram: distributions.histograms[index] ?? Histogram(),
                    topValues: distributions.topValues[index] ?? [], samples: samples[index],
                    isPrimaryKey: keyColumns.contains(column.name)))
        }
        return document(
            subject, workspace: workspace, columns: profiles, distinctKeys: distinctKeys,
            sampleRows: try sampleRows(columns, workspace))
    }

    func document(
        _ subject: ProfileSubject, workspace: ProfileWorkspace, columns: [ColumnProfile], distinctKeys: Int?,
        sampleRows: [SampleRow]
    ) -> ProfileDocument {
        let missing = columns.reduce(0) { $0 + $1.nullCount }
        let cells = workspace.rows * columns.count
        var types: [String: Int] = [:]
        for column in columns { types[column.category.rawValue, default: 0] += 1 }
        let firstDates = columns.lazy.compactMap { column -> DateStatistics? in
            guard case .date(let stats) = column.statistics, stats.earliest != nil else { return nil }
            return stats
        }.first
        let average =
            columns.isEmpty
            ? 0.0
            : ProfileMath.rounded(columns.reduce(0.0) { $0 + $1.completenessPercent } / Double(columns.count)) ?? 0
        return ProfileDocument(
            tableID: subject.tableID, description: subject.description,
            primaryKey: subject.primaryKey.isEmpty ? nil : subject.primaryKey.joined(separator: ", "),
            syncStrategy: subject.syncStrategy, rowCount: workspace.fileRows, columnCount: columns.count,
            fileSizeMB: subject.fileSizeBytes.flatMap { ProfileMath.rounded(Double($0) / 1_048_576) },
            averageCompleteness: average, missingCells: missing,
            missingCellsPercent: ProfileMath.percent(missing, of: cells),
            duplicateRows: workspace.rows > 0 ? max(0, workspace.rows - (distinctKeys ?? workspace.rows)) : 0,
            variableTypes: types,
            dateRange: firstDates.map { DateRange(earliest: $0.earliest, latest: $0.latest, spanDays: $0.spanDays) },
            alerts: columns.flatMap(ProfileAlerts.tableAlerts), isSampled: workspace.isSampled,
            lastSync: subject.lastSync.map { $0.formatted(.iso8601) }, relatedTables: [],
            usedByMetrics: subject.usedByMetrics, columns: columns, sampleRows: sampleRows)
    }

    func column(
        _ column: ProfiledColumn, _ aggregate: ColumnAggregates, rows: Int, rules: ProfileAlerts, histogram: Histogram,
        topValues: [TopValue], samples: [String], isPrimaryKey: Bool
    ) -> ColumnProfile {
        let nullCount = rows - aggregate.nonNull
        var alerts = rules.common(
            nonNull: aggregate.nonNull, nullCount: nullCount, unique: aggregate.unique, rows: rows)
        let statistics: ColumnProfile.Statistics
        switch column.category {
        case .numeric:
            let quantile = { (index: Int) in
                aggregate.quantiles.indices.contains(index) ? ProfileMath.rounded(aggregate.quantiles[index]) : nil
            }
            let stats = NumericStatistics(
                min: ProfileMath.number(aggregate.min, isInteger: column.isInteger),
                max: ProfileMath.number(aggregate.max, isInteger: column.isInteger),
                mean: ProfileMath.rounded(aggregate.mean), median: quantile(2),
                stddev: ProfileMath.rounded(aggregate.stddev), p5: quantile(0), p25: quantile(1), p75: quantile(3),
                p95: quantile(4), zeros: aggregate.zeros,
                zerosPercent: ProfileMath.percent(aggregate.zeros, of: aggregate.nonNull), negative: aggregate.negative,
                negativePercent: ProfileMath.percent(aggregate.negative, of: aggregate.nonNull), histogram: histogram)
            alerts += rules.numeric(stats)
            statistics = .numeric(stats)
        case .string:
            let stats = StringStatistics(
                minLength: aggregate.minLength, maxLength: aggregate.maxLength,
                averageLength: ProfileMath.rounded(aggregate.averageLength) ?? 0, topValues: topValues)
            alerts += rules.string(
                stats, unique: aggregate.unique,
                isCategorical: DistributionPass.isCategorical(aggregate, settings: settings))
            statistics = .string(stats)
        case .date, .timestamp:
            var span: Int?
            if let earliest = aggregate.earliest, let latest = aggregate.latest {
                span = Int(latest.days) - Int(earliest.days)
            }
            statistics = .date(
                DateStatistics(
                    earliest: aggregate.earliest?.description, latest: aggregate.latest?.description, spanDays: span,
                    histogram: histogram))
        case .boolean:
            statistics = .boolean(
                BooleanStatistics(
                    trueCount: aggregate.trueCount, falseCount: aggregate.falseCount,
                    truePercent: ProfileMath.percent(
                        aggregate.trueCount, of: aggregate.trueCount + aggregate.falseCount)
                ))
        }
        return ColumnProfile(
            name: column.name, type: column.type, category: column.category,
            completenessPercent: ProfileMath.percent(aggregate.nonNull, of: rows), nullCount: nullCount,
            uniqueCount: aggregate.unique, uniquePercent: ProfileMath.percent(aggregate.unique, of: aggregate.nonNull),
            sampleValues: samples, isPrimaryKey: isPrimaryKey, alerts: alerts, statistics: statistics)
    }
}
