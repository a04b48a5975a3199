import HTTPTypes

/// The OpenAPI 3.1 document of every route the server serves, built once from the route groups'
/// descriptions (``DescribedRoutes``).
///
/// ```swift
/// let document = OpenAPIDocument(title: "Agnes", version: AgnesBuild.version, groups: groups)
/// return JSONBody.response(object: document.json)
/// ```
struct OpenAPIDocument: Sendable {
    /// An operation and the heading it is listed under.
    struct Entry: Sendable {
        let tag: String
        let operation: APIOperation
    }

    let title: String
    let version: String
    let entries: [Entry]

    init(title: String, version: String, groups: [any DescribedRoutes]) {
        self.title = title
        self.version = version
        entries = groups.flatMap { group in group.operations.map { Entry(tag: group.apiTag, operation: $0) } }
    }

    /// The OpenAPI path of a route path: `:id` and `{id}` become `{id}`, a trailing `**` `{path}`.
    static func openAPIPath(_ routePath: String) -> String {
        "/"
            + routePath.split(separator: "/").map { component in
                if component == "**" { return "{path}" }
                if component.hasPrefix(":") { return "{\(component.dropFirst())}" }
                return String(component)
            }.joined(separator: "/")
    }

    /// The names of the path parameters of an OpenAPI path.
    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map {
            String($0.dropFirst().dropLast())
        }
    }

    /// The document.
    var json: JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for entry in entries {
            let path = Self.openAPIPath(entry.operation.path)
            paths[path, default: [:]][entry.operation.method.rawValue.lowercased()] = Self.operation(
                entry.operation, path: path, tag: entry.tag)
        }
        var tags: [String] = []
        for entry in entries where !tags.contains(entry.tag) { tags.append(entry.tag) }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": .string("\(title) API"), "version": .string(version),
                "description": """
                The HTTP API of Agnes. Errors are answered as {"detail": …}. A signed-in caller sends \
                `Authorization: Bearer <session JWT | personal access token>` or the `access_token` cookie; \
                `x-agnes-access` says who may call each operation (anonymous, user, admin).
                """,
            ],
            "tags": .array(tags.map { ["name": .string($0)] }),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "securitySchemes": [
                    "bearer": [
                        "type": "http", "scheme": "bearer",
                        "description": "A session JWT, a personal access token, or the scheduler secret",
                    ],
                    "cookie": ["type": "apiKey", "in": "cookie", "name": "access_token"],
                ],
                "schemas": [
                    "Error": [
                        "type": "object", "required": ["detail"],
                        "properties": [
                            "detail": [
                                "description": "A message, or an object such as {code, message}",
                                "anyOf": [["type": "string"], ["type": "object"], ["type": "array"]],
                            ]
                        ],
                    ]
                ],
            ],
        ]
    }

    static func operation(_ operation: APIOperation, path: String, tag: String) -> JSONValue {
        var parameters: [JSONValue] = pathParameters(path).map { name in
            [
                "name": .string(name), "in": "path", "required": true, "schema": ["type": "string"],
                "description": name == "path" ? "the rest of the path; may contain `/`" : .null,
            ]
        }
        parameters += operation.query.map { parameter in
            [
                "name": .string(parameter.name), "in": "query", "required": .bool(parameter.isRequired),
                "description": .string(parameter.description), "schema": parameter.schema.json,
            ]
        }
        var responses: [String: JSONValue] = [:]
        for response in operation.responses {
            var fields: [String: JSONValue] = ["description": .string(response.description)]
            if let content = response.content {
                fields["content"] = [content.mediaType: ["schema": content.schema.json]]
            }
            responses[String(response.status)] = .object(fields)
        }
        let errorBody: JSONValue = ["application/json": ["schema": JSONSchema.component("Error").json]]
        if operation.access != .anonymous, responses["401"] == nil {
            responses["401"] = ["description": "Not signed in, or the credential is invalid", "content": errorBody]
        }
        if operation.access == .admin, responses["403"] == nil {
            responses["403"] = ["description": "Admin access required", "content": errorBody]
        }
        var fields: [String: JSONValue] = [
            "summary": .string(operation.summary),
            "operationId": .string(operationID(operation.method, path)),
            "tags": [.string(tag)],
            "x-agnes-access": .string(operation.access.rawValue),
            "security": operation.access == .anonymous ? [] : [["bearer": []], ["cookie": []]],
            "responses": .object(responses),
        ]
        if !parameters.isEmpty {
            fields["parameters"] = .array(parameters.map { $0.droppingNulls })
        }
        if let body = operation.body {
            fields["requestBody"] = [
                "required": .bool(body.isRequired), "content": [body.mediaType: ["schema": body.schema.json]],
            ]
        }
        return .object(fields)
    }

    /// `get_auth_tokens_id` for `GET /auth/tokens/{id}`.
    static func operationID(_ method: HTTPRequest.Method, _ path: String) -> String {
        let words = path.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        return ([method.rawValue.lowercased()] + words).joined(separator: "_")
    }
}

extension JSONValue {
    /// The object without its null members.
    var droppingNulls: JSONValue {
        guard case .object(let fields) = self else { return self }
        return .object(fields.filter { $0.value != .null })
    }
}
