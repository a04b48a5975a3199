/// The shape of a JSON body, as `/openapi.json` states it (a small subset of JSON Schema 2020-12,
/// which OpenAPI 3.1 uses).
///
/// ```swift
/// let body: JSONSchema = .object(["name": .string, "expires_in_days": .integer.orNull], required: ["name"])
/// ```
indirect enum JSONSchema: Sendable {
    case string
    /// An ISO 8601 timestamp.
    case timestamp
    case integer
    case number
    case boolean
    /// Any JSON value.
    case any
    case array(JSONSchema)
    /// An object with these properties, of which `required` must be present.
    case object([String: JSONSchema], required: [String])
    /// An object whose keys are free and whose values have this shape.
    case map(JSONSchema)
    /// The value, or null.
    case nullable(JSONSchema)
    /// A string from a fixed set.
    case oneOf([String])
    /// A schema of the document's components, e.g. `Error`.
    case component(String)

    /// An object whose properties are all optional.
    static func object(_ properties: [String: JSONSchema]) -> JSONSchema { .object(properties, required: []) }

    /// This value, or null.
    var orNull: JSONSchema { .nullable(self) }

    /// The JSON Schema text of this shape.
    var json: JSONValue {
        switch self {
        case .string: ["type": "string"]
        case .timestamp: ["type": "string", "format": "date-time"]
        case .integer: ["type": "integer"]
        case .number: ["type": "number"]
        case .boolean: ["type": "boolean"]
        case .any: [:]
        case .array(let items): ["type": "array", "items": items.json]
        case .object(let properties, let required):
            .object(
                ["type": "object", "properties": .object(properties.mapValues(\.json))]
                    .merging(required.isEmpty ? [:] : ["required": .array(required.sorted().map { .string($0) })]) {
                        a, _ in a
                    })
        case .map(let values): ["type": "object", "additionalProperties": values.json]
        case .nullable(let schema): ["anyOf": [schema.json, ["type": "null"]]]
        case .oneOf(let values): ["type": "string", "enum": .array(values.map { .string($0) })]
        case .component(let name): ["$ref": .string("#/components/schemas/\(name)")]
        }
    }
}
