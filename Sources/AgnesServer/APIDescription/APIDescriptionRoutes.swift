import AgnesCore
import Hummingbird

/// `GET /openapi.json` (the OpenAPI 3.1 document of every route) and `GET /docs` (the same as a page),
/// both anonymous: a description of the API holds no secrets. Both are built once, from the route
/// groups the router registers.
struct APIDescriptionRoutes: DescribedRoutes {
    let services: AgnesServices
    /// The other groups of the router, whose operations the document lists besides these two.
    let described: [any DescribedRoutes]

    var apiTag: String { "API description" }

    var operations: [APIOperation] {
        [
            .get(
                "/openapi.json", "This API's OpenAPI 3.1 document", .anonymous,
                responses: [.ok(.object(["openapi": .string, "info": .any, "paths": .map(.any)]))]),
            .get("/docs", "This API's description as an HTML page", .anonymous, responses: [.html("The page")]),
        ]
    }

    func register(on router: Router<AgnesRequestContext>) {
        let document = OpenAPIDocument(
            title: services.settings.instanceName, version: AgnesBuild.version, groups: described + [self])
        let json = JSONBody.response(object: document.json)
        let page = APIDocsPage(document: document)
        router.get("/openapi.json") { _, _ in json }
        router.get("/docs") { _, _ in page.response() }
    }
}
