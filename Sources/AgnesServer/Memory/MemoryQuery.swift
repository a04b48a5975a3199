import AgnesCore
import Hummingbird

/// The query parameters of the memory routes, read as FastAPI reads them: a parameter that is not of
/// its type is a 422.
struct MemoryQuery {
    let request: Request

    init(_ request: Request) { self.request = request }

    /// The raw value of a parameter.
    func raw(_ name: String) -> String? { request.uri.queryParameters.get(name) }

    /// A text parameter; an empty value counts as absent, as the original's `if x:` checks did.
    func text(_ name: String) -> String? {
        guard let value = raw(name), !value.isEmpty else { return nil }
        return value
    }

    /// A required text parameter (422 when absent).
    func requiredText(_ name: String) throws -> String {
        guard let value = raw(name) else {
            throw APIError(.unprocessableContent, "field required: \(name)")
        }
        return value
    }

    func int(_ name: String, default fallback: Int) throws -> Int {
        guard let value = raw(name) else { return fallback }
        guard let number = Int(value) else {
            throw APIError(.unprocessableContent, "invalid type for \(name): expected an integer")
        }
        return number
    }

    /// A boolean as pydantic accepts one (`true/false`, `1/0`, `yes/no`, `on/off`); nil when absent.
    func bool(_ name: String) throws -> Bool? {
        guard let value = raw(name) else { return nil }
        switch value.lowercased() {
        case "true", "1", "yes", "on", "t", "y": return true
        case "false", "0", "no", "off", "f", "n": return false
        default: throw APIError(.unprocessableContent, "invalid type for \(name): expected a boolean")
        }
    }

    /// `page` (at least 1) and `per_page` (within `1...maximum`).
    func paging(defaultPerPage: Int = 50, maximum: Int) throws -> (page: Int, perPage: Int) {
        let page = max(try int("page", default: 1), 1)
        let perPage = min(max(try int("per_page", default: defaultPerPage), 1), maximum)
        return (page, perPage)
    }
}

/// Values and wire texts shared by the memory routes.
enum MemoryWire {
    /// Every domain, in the original's order.
    static let domains = MemoryDomain.allCases.map(\.rawValue)

    /// A Python list literal, as the original's `detail` strings print lists: `['a', 'b']`.
    static func pythonList(_ values: [String]) -> String {
        "[" + values.map { "'\($0)'" }.joined(separator: ", ") + "]"
    }

    /// 400 unless `domain` is nil, empty or one of the fixed domains.
    static func validate(domain: String?) throws {
        guard let domain, !domain.isEmpty, MemoryDomain(rawValue: domain) == nil else { return }
        throw APIError.badRequest("domain must be one of: \(pythonList(domains))")
    }

    /// The one 404 of every item route, also for an item the caller may not see.
    static let itemNotFound = APIError.notFound("Knowledge item not found")

    /// The relation type of duplicate candidates.
    static let duplicateRelation = "likely_duplicate"
}
