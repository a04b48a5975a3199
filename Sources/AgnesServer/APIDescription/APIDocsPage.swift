import Foundation
import Hummingbird
import Mustache
import NIOCore

/// `GET /docs`: the API description as one HTML page, rendered by the server from the same
/// ``OpenAPIDocument`` as `/openapi.json`. It loads nothing from elsewhere and runs no script: its only
/// inline style is allowed by its hash in the page's Content-Security-Policy.
struct APIDocsPage: Sendable {
    static let style = """
        body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
        h2{margin-top:2.5rem;border-bottom:1px solid #ddd}h3{font-size:1rem;margin:1.5rem 0 .3rem}
        code{font-family:ui-monospace,monospace}.method{display:inline-block;min-width:4.5rem;font-weight:600}
        .access{font-size:.85rem;color:#555}ul{margin:.2rem 0}nav a{margin-right:.8rem}.req{color:#b00020}
        """

    static let template: MustacheTemplate = {
        do {
            return try MustacheTemplate(
                string: """
                    <!doctype html>
                    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                    <title>{{title}} API · Agnes</title>
                    <style>{{{style}}}</style></head>
                    <body><h1>{{title}} API</h1>
                    <p>Version {{version}}. The machine-readable description is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
                    Errors are answered as <code>{"detail": …}</code>; signed-in callers send <code>Authorization: Bearer …</code> or the <code>access_token</code> cookie.</p>
                    <nav>{{#tags}}<a href="#{{anchor}}">{{name}}</a> {{/tags}}</nav>
                    {{#tags}}
                    <h2 id="{{anchor}}">{{name}}</h2>
                    {{#operations}}
                    <h3 id="{{id}}"><span class="method">{{method}}</span> <code>{{path}}</code></h3>
                    <p>{{summary}} <span class="access">({{access}})</span></p>
                    {{#hasParameters}}<p>Parameters:</p><ul>{{#parameters}}<li><code>{{name}}</code> ({{where}}, {{type}}){{#required}} <span class="req">required</span>{{/required}}{{#description}}: {{description}}{{/description}}</li>{{/parameters}}</ul>{{/hasParameters}}
                    {{#body}}<p>Body ({{mediaType}}): <code>{{type}}</code></p>{{/body}}
                    <ul>{{#responses}}<li>{{status}}: {{description}}{{#type}} — <code>{{type}}</code>{{/type}}</li>{{/responses}}</ul>
                    {{/operations}}
                    {{/tags}}
                    </body></html>
                    """)
        } catch { preconditionFailure("\(error)") }
    }()

    let html: String

    init(document: OpenAPIDocument) {
        var tags: [String] = []
        for entry in document.entries where !tags.contains(entry.tag) { tags.append(entry.tag) }
        let context: [String: Any] = [
            "title": document.title, "version": document.version, "style": Self.style,
            "tags": tags.map { tag in
                [
                    "name": tag, "anchor": "tag-" + OpenAPIDocument.operationID(.get, tag).dropFirst(4),
                    "operations": document.entries.filter { $0.tag == tag }.map { Self.operation($0.operation) },
                ] as [String: Any]
            },
        ]
        html = Self.template.render(context)
    }

    static func operation(_ operation: APIOperation) -> [String: Any] {
        let path = OpenAPIDocument.openAPIPath(operation.path)
        let access =
            switch operation.access {
            case .anonymous: "anyone"
            case .user: "signed-in user"
            case .admin: "admin only"
            }
        var parameters: [[String: Any]] = OpenAPIDocument.pathParameters(path).map {
            ["name": $0, "where": "path", "type": "string", "required": true]
        }
        parameters += operation.query.map {
            [
                "name": $0.name, "where": "query", "type": $0.schema.text, "required": $0.isRequired,
                "description": $0.description,
            ]
        }
        var fields: [String: Any] = [
            "id": OpenAPIDocument.operationID(operation.method, path), "method": operation.method.rawValue,
            "path": path, "summary": operation.summary, "access": access, "parameters": parameters,
            "hasParameters": !parameters.isEmpty,
            "responses": operation.responses.map { response -> [String: Any] in
                var fields: [String: Any] = ["status": response.status, "description": response.description]
                if let content = response.content, content.mediaType == "application/json" {
                    fields["type"] = content.schema.text
                }
                return fields
            },
        ]
        if let body = operation.body { fields["body"] = ["mediaType": body.mediaType, "type": body.schema.text] }
        return fields
    }

    /// `GET /docs`: a `text/html` response with the page's policy.
    func response() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'none'; style-src \(HTMLPage.hashSource(Self.style)); "
                    + "form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

extension JSONSchema {
    /// A short reading of the shape, e.g. `{name: string, expires_in_days?: integer | null}`.
    var text: String {
        switch self {
        case .string: "string"
        case .timestamp: "timestamp"
        case .integer: "integer"
        case .number: "number"
        case .boolean: "boolean"
        case .any: "any"
        case .array(let items): "[\(items.text)]"
        case .object(let properties, let required):
            "{"
                + properties.keys.sorted().map { "\($0)\(required.contains($0) ? "" : "?"): \(properties[$0]!.text)" }
                .joined(separator: ", ") + "}"
        case .map(let values): "{…: \(values.text)}"
        case .nullable(let schema): "\(schema.text) | null"
        case .oneOf(let values): values.map { "\"\($0)\"" }.joined(separator: " | ")
        case .component(let name): name
        }
    }
}
