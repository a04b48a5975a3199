import Foundation
import Hummingbird

/// One page of a long list on a web page (`?page=N`, from 1): the rows shown and the pager's links,
/// which keep the other query parameters (a search). A page past the end shows the last one. A page
/// with several lists names each list's parameter (`?audit_page=N`) and renders each pager inside its
/// own section (`{{#audit_pager}}{{> pager}}{{/audit_pager}}`).
///
/// ```swift
/// let paging = WebPaging(total: rows.count, request: request)
/// values.merge(paging.values(path: "/catalog", query: ["q": query])) { $1 }
/// let shown = rows[paging.range]
/// ```
struct WebPaging {
    /// Rows a page shows.
    static let pageSize = 100

    let total: Int
    let page: Int
    let pageSize: Int
    /// The query parameter that names the page.
    let parameter: String

    init(total: Int, request: Request, pageSize: Int = Self.pageSize, parameter: String = "page") {
        self.total = total
        self.pageSize = pageSize
        self.parameter = parameter
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let asked = request.uri.queryParameters.get(parameter).flatMap { Int($0) } ?? 1
        page = min(max(1, asked), pages)
    }

    var pageCount: Int { max(1, (total + pageSize - 1) / pageSize) }

    /// The indices of the rows on this page.
    var range: Range<Int> { min(total, (page - 1) * pageSize)..<min(total, page * pageSize) }

    /// `has_pager`, `pager_text` (`101–200 of 1,000`), `has_prev`/`prev_href`, `has_next`/`next_href`.
    func values(path: String, query: [String: String] = [:]) -> [String: Any] {
        func href(_ page: Int) -> String {
            var items = query.filter { !$0.value.isEmpty && $0.key != parameter }.sorted { $0.key < $1.key }.map {
                URLQueryItem(name: $0.key, value: $0.value)
            }
            if page > 1 { items.append(URLQueryItem(name: parameter, value: String(page))) }
            var components = URLComponents()
            components.path = path
            components.queryItems = items.isEmpty ? nil : items
            return components.string ?? path
        }
        return [
            "has_pager": pageCount > 1,
            "pager_text":
                "\(DashboardPage.count(range.lowerBound + 1))–\(DashboardPage.count(range.upperBound)) of \(DashboardPage.count(total))",
            "has_prev": page > 1, "prev_href": href(page - 1),
            "has_next": page < pageCount, "next_href": href(page + 1),
        ]
    }

    /// The pager's markup, for a page template: `{{> pager}}`.
    static let template = """
        {{#has_pager}}<nav class="pager" aria-label="Pages">{{#has_prev}}<a href="{{prev_href}}" rel="prev">Previous</a>{{/has_prev}}<span>{{pager_text}}</span>{{#has_next}}<a href="{{next_href}}" rel="next">Next</a>{{/has_next}}</nav>{{/has_pager}}
        """
}
