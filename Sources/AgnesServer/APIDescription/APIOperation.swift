import HTTPTypes

/// One route as `/openapi.json` and `/docs` describe it: method, path, what it does, who may call it,
/// its body and its main answers.
///
/// Each group of routes lists its own (``DescribedRoutes/operations``), next to where it registers
/// them; a route registered without a description fails `APIDescriptionTests`.
///
/// ```swift
/// .post(
///     "/auth/tokens", "Create a personal access token; the token is shown once", .user,
///     body: .json(.object(["name": .string, "expires_in_days": .integer.orNull], required: ["name"])),
///     responses: [.created(.object(["id": .string, "token": .string])), .error(400, "name blank, bad lifetime")])
/// ```
struct APIOperation: Sendable {
    /// Who may call an operation.
    enum Access: String, Sendable {
        /// Anyone.
        case anonymous
        /// A signed-in user: session cookie or bearer JWT, personal access token, scheduler secret.
        case user
        /// A member of the `Admin` group.
        case admin
    }

    /// The method.
    let method: HTTPRequest.Method
    /// The path exactly as registered on the router, e.g. `/auth/tokens/:id` or `/api/metrics/**`.
    let path: String
    /// One line saying what it does.
    let summary: String
    /// Who may call it.
    let access: Access
    /// The query parameters.
    var query: [APIParameter] = []
    /// The request body, if it takes one.
    var body: APIBody? = nil
    /// The main answers; 401 and 403 follow from ``access`` and need not be listed.
    var responses: [APIResponse] = []

    static func get(
        _ path: String, _ summary: String, _ access: Access, query: [APIParameter] = [], responses: [APIResponse]
    ) -> APIOperation {
        APIOperation(method: .get, path: path, summary: summary, access: access, query: query, responses: responses)
    }

    static func head(_ path: String, _ summary: String, _ access: Access, responses: [APIResponse]) -> APIOperation {
        APIOperation(method: .head, path: path, summary: summary, access: access, responses: responses)
    }

    static func post(
        _ path: String, _ summary: String, _ access: Access, query: [APIParameter] = [], body: APIBody? = nil,
        responses: [APIResponse]
    ) -> APIOperation {
        APIOperation(
            method: .post, path: path, summary: summary, access: access, query: query, body: body, responses: responses)
    }

    static func put(_ path: String, _ summary: String, _ access: Access, body: APIBody?, responses: [APIResponse])
        -> APIOperation
    {
        APIOperation(method: .put, path: path, summary: summary, access: access, body: body, responses: responses)
    }

    static func patch(_ path: String, _ summary: String, _ access: Access, body: APIBody?, responses: [APIResponse])
        -> APIOperation
    {
        APIOperation(method: .patch, path: path, summary: summary, access: access, body: body, responses: responses)
    }

    static func delete(
        _ path: String, _ summary: String, _ access: Access, query: [APIParameter] = [], responses: [APIResponse]
    ) -> APIOperation {
        APIOperation(method: .delete, path: path, summary: summary, access: access, query: query, responses: responses)
    }
}

/// A query parameter.
struct APIParameter: Sendable {
    let name: String
    let description: String
    var schema: JSONSchema = .string
    var isRequired = false

    static func query(_ name: String, _ description: String, _ schema: JSONSchema = .string, required: Bool = false)
        -> APIParameter
    {
        APIParameter(name: name, description: description, schema: schema, isRequired: required)
    }
}

/// A request body: its media type and shape.
struct APIBody: Sendable {
    let mediaType: String
    let schema: JSONSchema
    var isRequired = true

    /// A JSON body.
    static func json(_ schema: JSONSchema, required: Bool = true) -> APIBody {
        APIBody(mediaType: "application/json", schema: schema, isRequired: required)
    }

    /// An HTML form post (`application/x-www-form-urlencoded`).
    static func form(_ fields: [String: JSONSchema], required: [String] = []) -> APIBody {
        APIBody(mediaType: "application/x-www-form-urlencoded", schema: .object(fields, required: required))
    }

    /// A `multipart/form-data` upload.
    static func multipart(_ fields: [String: JSONSchema], required: [String]) -> APIBody {
        APIBody(mediaType: "multipart/form-data", schema: .object(fields, required: required))
    }
}

/// One answer of an operation.
struct APIResponse: Sendable {
    let status: Int
    let description: String
    /// Media type and shape of the body; nil for none.
    var content: (mediaType: String, schema: JSONSchema)? = nil

    /// 200 with a JSON body.
    static func ok(_ schema: JSONSchema, _ description: String = "OK") -> APIResponse {
        APIResponse(status: 200, description: description, content: ("application/json", schema))
    }

    /// 201 with a JSON body.
    static func created(_ schema: JSONSchema, _ description: String = "Created") -> APIResponse {
        APIResponse(status: 201, description: description, content: ("application/json", schema))
    }

    /// 204, no body.
    static let noContent = APIResponse(status: 204, description: "Done; no body")

    /// An error answered as `{"detail": …}`.
    static func error(_ status: Int, _ description: String) -> APIResponse {
        APIResponse(status: status, description: description, content: ("application/json", .component("Error")))
    }

    /// A redirect (`Location` says where).
    static func redirect(_ description: String, status: Int = 302) -> APIResponse {
        APIResponse(status: status, description: description)
    }

    /// An HTML page.
    static func html(_ description: String, status: Int = 200) -> APIResponse {
        APIResponse(status: status, description: description, content: ("text/html", .string))
    }

    /// A body of another media type.
    static func body(_ status: Int, _ mediaType: String, _ description: String) -> APIResponse {
        APIResponse(status: status, description: description, content: (mediaType, .string))
    }
}
