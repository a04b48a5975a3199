import AgnesClient
import Foundation

extension Puller {
    /// The statuses of the knowledge every analyst's agent may rely on.
    static let knowledgeStatuses = ["mandatory", "approved"]

    /// Writes the corporate-memory rules; a server without the bundle route is not an error.
    func writeRules(_ report: inout PullReport) async {
        do {
            let bundle = try await api.memoryBundle()
            report.rulesCount = try MemoryRules(workspace: workspace).write(bundle)
        } catch let error as ClientError where error.code == .notFound {
            report.rulesCount = nil
        } catch {
            let failure = (error as? ClientError) ?? ClientError(.io, "\(error)")
            report.errors.append(.init(stage: "memory_bundle", table: nil, failure))
        }
    }

    /// Replaces the local knowledge table with the approved and mandatory items the caller may see
    /// (`GET /api/memory`, page by page). A server without the memory routes is not an error, and
    /// leaves the table as it was; so does any failure, which the report names.
    func writeKnowledge(_ report: inout PullReport) async {
        do {
            let items = try await api.allMemoryItems(
                statuses: Self.knowledgeStatuses, perPage: options.memoryPageSize)
            switch try await LocalDatabase(workspace: workspace).replaceKnowledge(items) {
            case .written(let count):
                report.knowledgeCount = count
            case .nameTaken:
                report.warnings.append(
                    "\(LocalDatabase.knowledgeTable): the local database has another table or view of that name; it is kept, and corporate knowledge was not stored (agnes memory search needs it: rename yours)"
                )
            }
        } catch let error as ClientError where error.code == .notFound {
            report.knowledgeCount = nil
        } catch {
            let failure = (error as? ClientError) ?? ClientError(.io, "\(LocalDatabase.reason(error))")
            report.errors.append(.init(stage: "memory_knowledge", table: nil, failure))
        }
    }
}
