import Foundation

/// A partial update of a knowledge item. A field left nil is not touched; for optional columns,
/// `.some(nil)` clears the stored value.
///
/// ```swift
/// var changes = KnowledgeItemChanges()
/// changes.title = "Revenue is booked net of VAT"
/// changes.domain = .some(nil)  // clear the domain
/// ```
public struct KnowledgeItemChanges: Sendable, Hashable {
    /// New title (the title cannot be cleared).
    public var title: String?
    /// New content, or `.some(nil)` to clear it.
    public var content: String??
    /// New category, or `.some(nil)` to clear it.
    public var category: String??
    /// New domain, or `.some(nil)` to clear it.
    public var domain: String??
    /// New audience, or `.some(nil)` to clear it.
    public var audience: String??
    /// New confidence, or `.some(nil)` to clear it.
    public var confidence: Double??
    /// New tags.
    public var tags: [String]?
    /// New contributors.
    public var contributors: [String]?
    /// New entities.
    public var entities: [String]?
    /// New personal flag.
    public var isPersonal: Bool?

    /// Creates an empty change set.
    public init() {}

    /// True when nothing would change.
    public var isEmpty: Bool { self == KnowledgeItemChanges() }
}
