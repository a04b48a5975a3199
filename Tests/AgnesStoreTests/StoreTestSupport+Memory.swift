import AgnesCore
import Foundation

/// Fixed instants for repository tests: time is injected, never read from the clock. Whole seconds,
/// so values survive DuckDB's microsecond timestamps exactly.
enum FixedInstant {
    /// 2023-11-14T22:13:20Z.
    static let base = Date(timeIntervalSince1970: 1_700_000_000)

    /// `base` shifted by `seconds`.
    static func plus(_ seconds: TimeInterval) -> Date { base.addingTimeInterval(seconds) }
}

extension KnowledgeItem {
    /// A minimal item for tests, created at `FixedInstant.plus(offset)`.
    static func sample(
        _ id: String, title: String? = nil, content: String? = nil, status: KnowledgeStatus = .pending,
        domain: String? = nil, category: String? = nil, isPersonal: Bool = false, offset: TimeInterval = 0
    ) -> KnowledgeItem {
        KnowledgeItem(
            id: id, title: title ?? "Title \(id)", content: content, category: category, status: status, domain: domain,
            isPersonal: isPersonal, createdAt: FixedInstant.plus(offset))
    }
}
