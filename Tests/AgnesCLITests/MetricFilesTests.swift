import AgnesCLI
import AgnesClient
import AgnesCore
import Foundation
import Logging
import Testing

@Suite struct MetricFilesTests {
    @Test func yamlImportsIntoTheStoreAndExportsBack() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let yaml = """
            - name: mrr
              category: revenue
              display_name: Monthly recurring revenue
              sql: SELECT sum(amount) FROM orders
              table: orders
              sql_by_region: SELECT region, sum(amount) FROM orders GROUP BY 1
              synonyms: [MRR]
            - name: churn
              category: retention
              sql: SELECT 1
            """
        let file = directory.path("metrics.yml")
        try Data(yaml.utf8).write(to: file)
        let metrics = try MetricFiles.read(path: file.path)
        #expect(metrics.map(\.id) == ["revenue/mrr", "retention/churn"])
        #expect(
            metrics[0].tableName == "orders"
                && metrics[0].sqlVariants == ["by_region": "SELECT region, sum(amount) FROM orders GROUP BY 1"])
        let data = directory.path("data")
        try FileManager.default.createDirectory(
            at: data.appendingPathComponent("state"), withIntermediateDirectories: true)
        let logger = Logger(label: "test")
        try await MetricFiles.importInto(dataDirectory: data.path, metrics: metrics, logger: logger)
        let files = try await MetricFiles.export(dataDirectory: data.path, to: directory.path("out"), logger: logger)
        #expect(files.map { URL(fileURLWithPath: $0).lastPathComponent }.sorted() == ["churn.yml", "mrr.yml"])
        let again = try MetricFiles.read(path: directory.path("out").path)
        #expect(Set(again.map(\.id)) == ["revenue/mrr", "retention/churn"])
        #expect(again.first { $0.name == "mrr" }?.synonyms == ["MRR"])
    }

    @Test func entriesWithoutNameOrCategoryAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("name: x\n".utf8).write(to: directory.path("bad.yml"))
        let error = #expect(throws: ClientError.self) { try MetricFiles.read(path: directory.path("bad.yml").path) }
        #expect(error?.message.contains("needs name and category") == true)
    }
}
