import Foundation

/// Which source publishes a view name in the analytics database; the first source to claim it wins.
public struct ViewOwnership: Sendable, Hashable, Codable {
    /// The view's name.
    public var viewName: String
    /// The source (connector) that owns it.
    public var sourceName: String
    /// When it was claimed.
    public var registeredAt: Date?

    /// Creates an ownership value.
    public init(viewName: String, sourceName: String, registeredAt: Date? = nil) {
        self.viewName = viewName
        self.sourceName = sourceName
        self.registeredAt = registeredAt
    }
}
