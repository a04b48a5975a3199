import AgnesAuth
import AgnesCore
import AgnesStore

/// Who is looking at corporate memory, and so what they may see (REFERENCE §1.12).
///
/// Admins see everything. Anyone else sees a personal item only when they contributed it, and other
/// items only when the audience lets them (unset or `all`, `group:<name>` of one of their groups, or a
/// domain granted to one of their groups); an item they may not see is answered as absent (404), never
/// as forbidden, so its existence does not leak.
struct MemoryViewer: Sendable {
    let userID: String
    let email: String
    let isAdmin: Bool

    init(_ caller: AuthenticatedUser) {
        userID = caller.user.id
        email = caller.user.email
        isAdmin = caller.isAdmin
    }

    /// The audience restriction of list filters: nil for admins.
    var audienceViewerID: String? { isAdmin ? nil : userID }

    /// A list filter limited to what this viewer may see in lists: personal items are left out for
    /// everyone but admins who ask for them (`exclude_personal=false`).
    func listFilter(excludingPersonal requested: Bool = true) -> KnowledgeItemFilter {
        var filter = KnowledgeItemFilter()
        filter.excludesPersonal = isAdmin ? requested : true
        filter.viewerID = audienceViewerID
        return filter
    }

    /// The item with `id` when this viewer may see it, nil otherwise (the caller answers 404).
    func visibleItem(_ id: String, in items: some KnowledgeItemRepository) async throws -> KnowledgeItem? {
        guard let item = try await items.find(id: id) else { return nil }
        if isAdmin || item.sourceUser == email { return item }
        if item.isPersonal { return nil }
        return try await items.find(id: id, visibleTo: userID)
    }
}
