/// One page of a list answer: `maxResults` items (at most `pageSize`) from the position of `pageToken`
/// or `startIndex`.
struct ListPage<Item> {
    let items: [Item]
    let nextPageToken: String?

    init(_ all: [Item], _ request: IncomingRequest, pageSize: Int, scope: String) throws(BigQueryError) {
        let parameters = request.queryParameters
        var start = Int(parameters["startIndex"] ?? "") ?? 0
        if let token = parameters["pageToken"] {
            guard let offset = BigQueryJSON.offset(of: token, scope: scope) else {
                throw .invalid("Invalid page token: \(token)")
            }
            start = offset
        }
        let size = min(parameters["maxResults"].flatMap { Int($0) } ?? pageSize, pageSize)
        let end = min(all.count, start + max(size, 0))
        items = start < end ? Array(all[start..<end]) : []
        nextPageToken = end < all.count ? BigQueryJSON.pageToken(end, scope: scope) : nil
    }
}
