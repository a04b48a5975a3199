import AgnesCore
import Foundation

/// Which source publishes each view name in the analytics database. The first source to claim a
/// name keeps it until it releases it.
public protocol ViewOwnershipRepository: Sendable {
    /// Claims `view` for `source` unless another source owns it. Returns the owner (which is
    /// `source` when the claim succeeded or it already owned the view).
    func claim(view: String, source: String) async throws -> String
    /// Every claimed view, ordered by view name.
    func owners() async throws -> [ViewOwnership]
    /// Releases `view` if `source` owns it. Returns false when it did not.
    @discardableResult
    func release(view: String, source: String) async throws -> Bool
    /// Releases every view `source` owns. Returns how many.
    @discardableResult
    func releaseAll(source: String) async throws -> Int
}
