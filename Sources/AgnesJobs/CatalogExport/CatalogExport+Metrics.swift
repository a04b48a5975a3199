import AgnesConnectors
import AgnesCore
import AgnesStore
import Foundation

extension CatalogExport {
    /// How metrics are found: the data product's (`openmetadata.data_product`), else those with the
    /// tag (`openmetadata.filter_tag`), else all.
    var metricDiscovery: String {
        if let product = settings.dataProduct { return "data product \(product)" }
        if let tag = settings.filterTag { return "tag \(tag)" }
        return "all metrics"
    }

    /// Discovers the metrics, reads each by FQN and writes them. Stale metrics are removed only when
    /// the discovery itself succeeded; a metric that could not be read keeps its earlier row.
    func exportMetrics(
        client: OpenMetadataClient, imports: CatalogImportRepository, into report: inout CatalogExportReport
    )
        async throws
    {
        let discovered: [OpenMetadataMetricSummary]
        do {
            discovered = try await discoverMetrics(client: client)
        } catch let error as OpenMetadataError where !error.isFatal {
            report.errors.append("metrics (\(metricDiscovery)): \(error.message)")
            return
        }
        var definitions: [MetricDefinition] = []
        var unreadable: Set<String> = []
        var sources: [String: String] = [:]
        for summary in discovered {
            do {
                guard let metric = try await client.metric(fqn: summary.fqn), metric.deleted != true else { continue }
                guard let definition = OpenMetadataCatalog.metric(metric) else {
                    report.errors.append("metric \(summary.fqn): its name has no letters or digits to make an id of")
                    continue
                }
                if let other = sources[definition.id] {
                    report.errors.append(
                        "metric \(summary.fqn): its id \(definition.id) is already the metric \(other)'s")
                    continue
                }
                sources[definition.id] = summary.fqn
                definitions.append(definition)
            } catch let error as OpenMetadataError where !error.isFatal {
                report.errors.append("metric \(summary.fqn): \(error.message)")
                if let id = OpenMetadataCatalog.metricID(name: summary.name, tags: summary.tags) {
                    unreadable.insert(id)
                }
            }
        }
        let counts = try await imports.importMetrics(definitions, keeping: unreadable, removingStale: true)
        report.metrics += counts.written
        report.keptManual += counts.keptManual
        report.removed += counts.removed
    }

    /// The metrics to export, in OpenMetadata's order, each once.
    func discoverMetrics(client: OpenMetadataClient) async throws -> [OpenMetadataMetricSummary] {
        let found: [OpenMetadataMetricSummary]
        if let product = settings.dataProduct {
            found = try await client.metrics(inDataProduct: product)
        } else if let tag = settings.filterTag {
            found = try await client.metrics().filter { ($0.tags ?? []).contains { $0.tagFQN == tag } }
        } else {
            found = try await client.metrics()
        }
        var seen: Set<String> = []
        return found.filter { seen.insert($0.fqn).inserted }
    }
}
