import AsyncHTTPClient
import DuckDB
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Jira Cloud's REST API v3 as the connector uses it (Basic auth `email:token`; every base URL from
/// the configuration; URLs Jira hands back, such as attachment content, followed as given). Transient
/// failures — 429 with `Retry-After`, 5xx, a broken connection or a body cut short — are retried by
/// the configuration's ``RetryPolicy``; a 401 is not, and says which variables to check.
///
/// ```swift
/// let client = JiraClient(configuration: configuration, logger: logger)
/// if let issue = try await client.issue("SUP-12") { … }     // nil: Jira says it does not exist
/// ```
public struct JiraClient: Sendable {
    /// The HTTP client every Jira call shares (redirects are followed by hand: credentials never go to
    /// another host).
    public static let defaultHTTPClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(15), read: .seconds(120))))

    /// Largest JSON answer read.
    static let maxBodyBytes = 64 << 20
    /// Histories read per changelog page.
    static let changelogPage = 100

    let configuration: JiraConfiguration
    let http: HTTPClient
    let logger: Logger

    /// Creates a client.
    public init(configuration: JiraConfiguration, http: HTTPClient = JiraClient.defaultHTTPClient, logger: Logger) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
    }

    /// The issue with rendered fields and its whole changelog (`GET /rest/api/3/issue/{key}?expand=
    /// renderedFields,changelog&fields=*all`, further histories from `/changelog` pages); nil when Jira
    /// answers 404 (deleted, or never existed).
    public func issue(_ key: String) async throws -> Data? {
        let path = "/rest/api/3/issue/\(Self.escaped(key))"
        guard
            var body = try await get(
                configuration.account, path, query: [("expand", "renderedFields,changelog"), ("fields", "*all")],
                what: "GET issue \(key)")
        else { return nil }
        // The embedded changelog holds the most recent histories only (100 at most): when there are more,
        // read them all, oldest first, from "Get changelogs".
        if let (count, total) = try Self.changelogCount(body), count < total {
            var histories: [Data] = []
            var start = 0
            while start < total {
                guard
                    let page = try await get(
                        configuration.account, path + "/changelog",
                        query: [("startAt", String(start)), ("maxResults", String(Self.changelogPage))],
                        what: "GET changelog of \(key)")
                else { break }
                let (read, isLast) = try Self.changelogValues(page)
                histories.append(page)
                start += read
                if isLast || read == 0 { break }
            }
            body = try Self.replaceHistories(in: body, with: histories)
        }
        return body
    }

    /// The issue's remote links (a JSON array; `[]` when Jira has none or no longer has the issue).
    public func remoteLinks(_ key: String) async throws -> Data {
        try await get(
            configuration.account, "/rest/api/3/issue/\(Self.escaped(key))/remotelink", query: [],
            what: "GET remote links of \(key)") ?? Data("[]".utf8)
    }

    /// The SLA fields (and status) of an issue as the Service Management account sees them; nil when no
    /// SLA account is configured or the issue is gone.
    public func slaFields(_ key: String) async throws -> Data? {
        guard let account = configuration.slaAccount else { return nil }
        return try await get(
            account, "/rest/api/3/issue/\(Self.escaped(key))",
            query: [
                ("fields", (JiraFields.slaFields + ["status", "resolutiondate", "updated"]).joined(separator: ","))
            ],
            what: "GET SLA of \(key)")
    }

    /// One page of a JQL search (`POST /rest/api/3/search/jql`, paged by `nextPageToken`).
    public func search(jql: String, fields: [String], pageToken: String?, maxResults: Int = 100) async throws
        -> JiraSearchPage
    {
        var request: [String: Any] = ["jql": jql, "fields": fields, "maxResults": maxResults]
        if let pageToken { request["nextPageToken"] = pageToken }
        let json = try JSONSerialization.data(withJSONObject: request)
        let (status, body) = try await send(
            configuration.account, .POST, configuration.account.baseURL + "/rest/api/3/search/jql", json: json,
            what: "search \(jql)")
        guard (200..<300).contains(status) else {
            throw JiraError.from(status: status, body: body, request: "JQL search")
        }
        return try JiraSearchPage(decoding: body)
    }

    /// Downloads `url` (an attachment's `content`) into `file`, following Jira's redirect to its media
    /// store without sending the credentials elsewhere; refuses more than `maxBytes`. Returns the bytes.
    public func download(_ url: String, to file: URL, maxBytes: Int64) async throws -> Int64 {
        var target = url
        let origin = URL(string: configuration.account.baseURL)?.host
        for _ in 0..<5 {
            let current = target
            let sameHost = URL(string: current)?.host == origin
            let data = try await configuration.retry.run { _ in
                var request = HTTPClientRequest(url: current)
                if sameHost { request.headers.add(name: "Authorization", value: configuration.account.authorization) }
                request.headers.add(name: "User-Agent", value: "agnes-jira-connector")
                let response: HTTPClientResponse
                do { response = try await http.execute(request, timeout: .seconds(300)) } catch {
                    throw TransientFailure(message: "download of \(url): the connection failed (\(error))")
                }
                let status = Int(response.status.code)
                if (300..<400).contains(status), let location = response.headers.first(name: "Location") {
                    return (status, Data(location.utf8))
                }
                if TransientFailure.isTransient(status: status) {
                    throw TransientFailure(
                        status: status,
                        retryAfter: TransientFailure.retryAfter(response.headers.first(name: "Retry-After")),
                        message: "download of \(url): Jira answered \(status)")
                }
                guard (200..<300).contains(status) else {
                    throw JiraError(.upstream, "download of \(url): Jira answered \(status)", status: status)
                }
                do {
                    let body = try await response.body.collect(upTo: Int(maxBytes))
                    return (status, Data(buffer: body))
                } catch let error as NIOTooManyBytesError {
                    throw JiraError(.badResponse, "\(url) is larger than \(maxBytes) bytes (\(error))")
                } catch {
                    throw TransientFailure(message: "download of \(url): the body was cut short (\(error))")
                }
            }
            if (300..<400).contains(data.0) {
                let location = String(decoding: data.1, as: UTF8.self)
                target = URL(string: location, relativeTo: URL(string: target))?.absoluteString ?? location
                continue
            }
            let bytes = data.1
            try await offloaded("agnes.jira.attachment") { try JiraRawFiles.writeAtomically(bytes, to: file) }
            return Int64(data.1.count)
        }
        throw JiraError(.badResponse, "download of \(url): too many redirects")
    }

    // MARK: - Transport

    /// A GET answering the body, nil on 404; other refusals throw.
    func get(_ account: JiraAccount, _ path: String, query: [(String, String)], what: String) async throws -> Data? {
        var components = URLComponents()
        components.queryItems = query.isEmpty ? nil : query.map { URLQueryItem(name: $0.0, value: $0.1) }
        let url = account.baseURL + path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let (status, body) = try await send(account, .GET, url, json: nil, what: what)
        if status == 404 { return nil }
        guard (200..<300).contains(status) else { throw JiraError.from(status: status, body: body, request: what) }
        return body
    }

    /// One call with retries; answers the final status and body (2xx and non-transient refusals alike).
    func send(_ account: JiraAccount, _ method: HTTPMethod, _ url: String, json: Data?, what: String) async throws
        -> (Int, Data)
    {
        let (http, logger) = (self.http, self.logger)
        do {
            return try await configuration.retry.run { attempt in
                var request = HTTPClientRequest(url: url)
                request.method = method
                request.headers.add(name: "Authorization", value: account.authorization)
                request.headers.add(name: "Accept", value: "application/json")
                request.headers.add(name: "User-Agent", value: "agnes-jira-connector")
                if let json {
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(bytes: json))
                }
                let answer = try await HTTPExchange.perform(
                    http, request, service: "Jira", what: what, attempt: attempt, logger: logger
                ) { status, body in JiraError.from(status: status, body: body, request: what).message }
                return (answer.status, answer.body)
            }
        } catch let failure as TransientFailure {
            throw JiraError(.upstream, failure.message + " (gave up after retries)", status: failure.status)
        }
    }

    static func escaped(_ segment: String) -> String {
        segment.addingPercentEncoding(
            withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? segment
    }

    /// (histories held, histories in all) of an issue answer with an expanded changelog.
    static func changelogCount(_ body: Data) throws -> (Int, Int)? {
        guard let issue = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw JiraError(.badResponse, "Jira's issue answer is not a JSON object")
        }
        guard let changelog = issue["changelog"] as? [String: Any],
            let histories = changelog["histories"] as? [Any]
        else { return nil }
        let total = (changelog["total"] as? NSNumber)?.intValue ?? histories.count
        return (histories.count, total)
    }

    /// (values read, last page) of a "Get changelogs" page.
    static func changelogValues(_ page: Data) throws -> (Int, Bool) {
        guard let object = try JSONSerialization.jsonObject(with: page) as? [String: Any],
            let values = object["values"] as? [Any]
        else { throw JiraError(.badResponse, "Jira's changelog page has no `values`") }
        return (values.count, (object["isLast"] as? Bool) ?? true)
    }

    /// The issue answer with its histories replaced by those of the changelog pages (oldest first).
    static func replaceHistories(in body: Data, with pages: [Data]) throws -> Data {
        guard var issue = try JSONSerialization.jsonObject(with: body) as? [String: Any] else { return body }
        var histories: [Any] = []
        for page in pages {
            let object = try JSONSerialization.jsonObject(with: page) as? [String: Any]
            histories += (object?["values"] as? [Any]) ?? []
        }
        issue["changelog"] = [
            "startAt": 0, "maxResults": histories.count, "total": histories.count, "histories": histories,
        ]
        return try JSONSerialization.data(withJSONObject: issue)
    }
}

/// One page of a JQL search.
public struct JiraSearchPage: Sendable {
    /// An issue as the search lists it.
    public struct Hit: Sendable, Hashable {
        /// Its key.
        public var key: String
        /// Its `updated` field, when asked for.
        public var updated: Date?
        /// Its status category's key (`new`, `indeterminate`, `done`), when asked for.
        public var statusCategory: String?
    }

    /// The hits of this page.
    public var hits: [Hit]
    /// The token of the next page; nil on the last.
    public var nextPageToken: String?

    init(decoding body: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let issues = object["issues"] as? [[String: Any]]
        else { throw JiraError(.badResponse, "Jira's search answer has no `issues` list") }
        hits = issues.compactMap { issue in
            guard let key = issue["key"] as? String else { return nil }
            let fields = issue["fields"] as? [String: Any]
            let status = fields?["status"] as? [String: Any]
            return Hit(
                key: key, updated: (fields?["updated"] as? String).flatMap(JiraTime.date),
                statusCategory: (status?["statusCategory"] as? [String: Any])?["key"] as? String)
        }
        nextPageToken = (object["isLast"] as? Bool) == true ? nil : object["nextPageToken"] as? String
    }
}
