import Foundation

/// The JSON shape an LLM answer must have: written into the request (as JSON Schema, every object
/// closed with `additionalProperties: false` as structured outputs require) and checked on the answer,
/// so a reply that parses but does not fit is a format error, never half-read data.
///
/// ```swift
/// let schema = LLMSchema.object(["safe": .boolean, "reason": .string], required: ["safe", "reason"])
/// try schema.validate(JSONSerialization.jsonObject(with: data))
/// ```
public indirect enum LLMSchema: Sendable, Hashable {
    case string
    case integer
    case number
    case boolean
    /// One of these strings.
    case oneOf([String])
    case array(LLMSchema)
    case object([String: LLMSchema], required: [String])
    /// The value or null.
    case nullable(LLMSchema)

    /// The JSON Schema document.
    public var jsonSchema: [String: Any] {
        switch self {
        case .string: return ["type": "string"]
        case .integer: return ["type": "integer"]
        case .number: return ["type": "number"]
        case .boolean: return ["type": "boolean"]
        case .oneOf(let values): return ["type": "string", "enum": values]
        case .array(let items): return ["type": "array", "items": items.jsonSchema]
        case .object(let properties, let required):
            return [
                "type": "object", "properties": properties.mapValues(\.jsonSchema), "required": required,
                "additionalProperties": false,
            ]
        case .nullable(let inner):
            var schema = inner.jsonSchema
            if let type = schema["type"] as? String { schema["type"] = [type, "null"] }
            if var values = schema["enum"] as? [Any] {
                values.append(NSNull())
                schema["enum"] = values
            }
            return schema
        }
    }

    /// Throws a description of the first place `value` (decoded JSON) does not fit, at `path`.
    public func validate(_ value: Any, path: String = "$") throws(LLMSchemaMismatch) {
        func fail(_ expected: String) -> LLMSchemaMismatch {
            LLMSchemaMismatch(description: "\(path): expected \(expected), got \(Self.kind(of: value))")
        }
        switch self {
        case .nullable(let inner):
            if value is NSNull { return }
            try inner.validate(value, path: path)
        case .string:
            guard value is String else { throw fail("a string") }
        case .oneOf(let values):
            guard let text = value as? String, values.contains(text) else {
                throw fail("one of \(values.joined(separator: ", "))")
            }
        case .boolean:
            guard let number = value as? NSNumber, Self.isBoolean(number) else { throw fail("true or false") }
        case .integer:
            guard let number = value as? NSNumber, !Self.isBoolean(number),
                number.doubleValue.rounded() == number.doubleValue
            else { throw fail("an integer") }
        case .number:
            guard let number = value as? NSNumber, !Self.isBoolean(number) else { throw fail("a number") }
        case .array(let items):
            guard let list = value as? [Any] else { throw fail("an array") }
            for (index, element) in list.enumerated() { try items.validate(element, path: "\(path)[\(index)]") }
        case .object(let properties, let required):
            guard let object = value as? [String: Any] else { throw fail("an object") }
            for name in required where object[name] == nil {
                throw LLMSchemaMismatch(description: "\(path): the required field \(name) is missing")
            }
            for (name, element) in object {
                guard let schema = properties[name] else {
                    throw LLMSchemaMismatch(description: "\(path): unexpected field \(name)")
                }
                try schema.validate(element, path: "\(path).\(name)")
            }
        }
    }

    static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    static func kind(of value: Any) -> String {
        switch value {
        case is NSNull: "null"
        case is String: "a string"
        case let number as NSNumber: isBoolean(number) ? "a boolean" : "a number"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        default: "something else"
        }
    }
}

/// Where an answer does not fit its schema.
public struct LLMSchemaMismatch: Error, Sendable, CustomStringConvertible {
    public let description: String
}
