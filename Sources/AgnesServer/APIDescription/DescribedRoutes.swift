import Hummingbird

/// A group of routes that registers itself and describes what it registers.
///
/// `AgnesServer.routeGroups(services:)` is the one list of groups: the router registers each of them
/// and `/openapi.json` is built from their ``operations``. To add a route, register it in the group's
/// `register(on:)` and add its ``APIOperation`` to the group's `operations` (in `<Group>+Operations.swift`
/// beside it); `APIDescriptionTests` fails for a route that is registered but not described, and for a
/// description of a route that is not registered.
///
/// ```swift
/// extension TokenRoutes: DescribedRoutes {
///     var apiTag: String { "Tokens" }
///     var operations: [APIOperation] {
///         [.get("/auth/tokens", "List your own tokens, revoked ones included", .user, responses: [.ok(.array(.any))])]
///     }
/// }
/// ```
protocol DescribedRoutes {
    /// The heading the group's operations are listed under.
    var apiTag: String { get }
    /// Every route ``register(on:)`` adds.
    var operations: [APIOperation] { get }
    /// Adds the routes to the router.
    func register(on router: Router<AgnesRequestContext>)
}
