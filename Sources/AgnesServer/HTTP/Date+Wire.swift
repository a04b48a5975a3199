import Foundation

extension Date {
    /// The wire form of a timestamp: ISO 8601 in UTC, e.g. `2026-11-25T12:16:25Z`.
    var wireText: String { formatted(.iso8601) }
}
