import Foundation

/// What running a query takes, worked out under the lock from the fake's tables: the DuckDB SQL, the
/// tables and views to load, where the job runs and how many bytes it processes.
///
/// The byte estimate is deterministic: over the tables the query reads (through views too), the
/// logical size of every column whose name the query (or a view it reads) mentions, or of every column
/// when it selects `*`.
struct QueryPlan {
    let sql: String
    let catalog: BigQueryEngine.Catalog
    /// The tables read, views expanded.
    let referencedTables: [BigQueryTableID]
    let location: String
    let bytesProcessed: Int64

    init(_ configuration: QueryConfiguration, billingProject: String, state: BigQueryState) throws(BigQueryError) {
        let query = configuration.query.trimmingCharacters(in: .whitespacesAndNewlines)
        if configuration.useLegacySQL && !query.lowercased().hasPrefix("#standardsql") {
            throw .invalidQuery(
                "FakeBigQuery runs GoogleSQL only: this request asks for legacy SQL, the API's default when "
                    + "useLegacySql is not set to false")
        }
        let rewriter = GoogleSQLRewriter(
            defaultProject: configuration.defaultDataset?.project ?? billingProject,
            defaultDataset: configuration.defaultDataset)
        let rewritten = try rewriter.rewrite(configuration.query)
        var resolver = Resolver(state: state, location: configuration.location)
        for table in rewritten.tables { try resolver.visit(table) }

        sql = rewritten.sql
        referencedTables = resolver.tables.map(\.id)
        location =
            configuration.location
            ?? resolver.tables.first.flatMap { state.datasets[$0.id.datasetID]?.location } ?? "US"
        let names = resolver.names.union(rewritten.names)
        let readsAllColumns = resolver.readsAllColumns || rewritten.readsAllColumns
        bytesProcessed = resolver.tables.reduce(0) { total, table in
            total
                + table.fields.indices.reduce(0) { sum, index in
                    let isRead = readsAllColumns || names.contains(table.fields[index].name.lowercased())
                    return sum + (isRead ? LogicalBytes.column(index, of: table) : 0)
                }
        }
        catalog = BigQueryEngine.Catalog(
            tables: resolver.tables.map { ($0.id, $0.fields, $0.rows) }, views: resolver.views,
            geographyNames: Set(
                resolver.tables.flatMap(\.fields).filter { $0.type == .geography }.map { $0.name.lowercased() }))
    }

    /// Finds the tables a query names, through views, and fails as BigQuery does on a missing one.
    private struct Resolver {
        let state: BigQueryState
        let location: String?
        var tables: [BigQueryTable] = []
        var views: [(id: BigQueryTableID, sql: String)] = []
        var names: Set<String> = []
        var readsAllColumns = false
        var visiting: Set<BigQueryTableID> = []

        mutating func visit(_ id: BigQueryTableID) throws(BigQueryError) {
            if tables.contains(where: { $0.id == id }) || views.contains(where: { $0.id == id }) { return }
            let dataset = state.datasets[id.datasetID]
            let place = location ?? dataset?.location ?? "US"
            guard let dataset, location.map({ $0.lowercased() == dataset.location.lowercased() }) ?? true else {
                throw .notFound("Not found: Dataset \(id.datasetID.legacyName) was not found in location \(place)")
            }
            guard let table = state.tables[id] else {
                throw .notFound("Not found: Table \(id.legacyName) was not found in location \(place)")
            }
            guard case .view(let sql) = table.content else {
                tables.append(table)
                return
            }
            guard visiting.insert(id).inserted else {
                throw .invalidQuery("View \(id.legacyName) references itself")
            }
            // A view's unqualified names resolve in the view's own project.
            let rewritten = try GoogleSQLRewriter(defaultProject: id.project, defaultDataset: nil).rewrite(sql)
            names.formUnion(rewritten.names)
            readsAllColumns = readsAllColumns || rewritten.readsAllColumns
            for table in rewritten.tables { try visit(table) }
            views.append((id, rewritten.sql))
        }
    }
}
