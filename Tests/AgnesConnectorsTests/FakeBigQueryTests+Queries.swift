import AgnesFakes
import Foundation
import NIOHTTP1
import Testing

/// Queries, jobs and the catalog of ``FakeBigQueryTests``.
extension FakeBigQueryTests {
    static let people: [FakeBigQueryField] = [
        .init("id", .int64, mode: .required), .init("name", .string), .init("score", .float64),
    ]

    static func putPeople(_ bigQuery: FakeBigQuery, project: String = "proj") {
        bigQuery.putTable(
            project: project, dataset: "ds", table: "people", fields: people,
            rows: [[1, "Ada", 1.0], [2, "Bo", nil], [3, nil, 2.5]], description: "People")
    }

    @Test func everyTypeComesBackInTheDocumentedEncoding() async throws {
        try await withFake { bigQuery in
            let fields: [FakeBigQueryField] = [
                .init("i", .int64), .init("f", .float64), .init("n", .numeric), .init("bn", .bigNumeric),
                .init("b", .bool), .init("s", .string), .init("by", .bytes), .init("d", .date), .init("dt", .dateTime),
                .init("t", .time), .init("ts", .timestamp), .init("g", .geography),
                .init("tags", .string, mode: .repeated),
                .init("address", .record, fields: [.init("city", .string), .init("zip", .string)]),
                .init("nothing", .int64),
            ]
            bigQuery.putTable(
                project: "proj", dataset: "ds", table: "types", fields: fields,
                rows: [
                    [
                        12, 1.5, "1.25", "3.14159", true, "Ada", .bytes([0x00, 0xFF, 0x41]), "2024-01-31",
                        "2024-01-31T10:00:00", "10:00:00", "2024-01-31 10:00:00+00", "POINT(14.42 50.08)", ["a", "b"],
                        .record(["Prague", nil]), nil,
                    ]
                ])
            let reply = try await Self.query(bigQuery, "SELECT * FROM `proj.ds.types`")
            #expect(reply.status == 200)
            let body = try reply.object()
            #expect(body["kind"] as? String == "bigquery#queryResponse")
            #expect(body["jobComplete"] as? Bool == true)
            #expect(body["totalRows"] as? String == "1")
            let schema = try #require((body["schema"] as? [String: Any])?["fields"] as? [[String: Any]])
            #expect(
                schema.map { $0["type"] as? String } == [
                    "INTEGER", "FLOAT", "NUMERIC", "BIGNUMERIC", "BOOLEAN", "STRING", "BYTES", "DATE", "DATETIME",
                    "TIME",
                    "TIMESTAMP", "GEOGRAPHY", "STRING", "RECORD", "INTEGER",
                ])
            #expect(schema[12]["mode"] as? String == "REPEATED")
            #expect((schema[13]["fields"] as? [[String: Any]])?.map { $0["name"] as? String } == ["city", "zip"])
            let row = try #require((body["rows"] as? [Any])?.first)
            let expected: [Any] = [
                "12", "1.5", "1.25", "3.14159", "true", "Ada", "AP9B", "2024-01-31", "2024-01-31T10:00:00", "10:00:00",
                "1.7066952E9", "POINT(14.42 50.08)", [["v": "a"], ["v": "b"]],
                ["f": [["v": "Prague"], ["v": NSNull()]]],
                NSNull(),
            ]
            #expect(try Self.canonical(Self.values(row)) == Self.canonical(expected))

            let jobID = try #require((body["jobReference"] as? [String: Any])?["jobId"] as? String)
            let micros = try await Self.api(bigQuery, "proj/queries/\(jobID)?formatOptions.useInt64Timestamp=true")
                .object()
            let microsRow = try #require((micros["rows"] as? [Any])?.first)
            #expect(Self.values(microsRow)[10] as? String == "1706695200000000")
        }
    }

    /// Paths with backticks around the whole or each part, a project id with a dash, and names resolved
    /// through `defaultDataset` (the argument is its dataset in `data-proj`).
    @Test(
        arguments: [
            ("SELECT COUNT(*) AS n FROM `data-proj.ds.people`", nil),
            ("SELECT COUNT(*) AS n FROM `data-proj`.`ds`.`people`", nil),
            ("SELECT COUNT(*) AS n FROM data-proj.ds.people", nil),
            ("SELECT COUNT(*) AS n FROM ds.people", "ds"),
            ("SELECT COUNT(*) AS n FROM people p WHERE p.id > 0", "ds"),
        ] as [(String, String?)])
    func everyTableSpellingReachesTheTable(sql: String, defaultDataset: String?) async throws {
        try await withFake { bigQuery in
            Self.putPeople(bigQuery, project: "data-proj")
            let extra = defaultDataset.map { ["defaultDataset": ["projectId": "data-proj", "datasetId": $0]] } ?? [:]
            let body = try await Self.query(bigQuery, sql, extra: extra).object()
            #expect((body["rows"] as? [Any])?.first.map { Self.values($0).first as? String } == "3")
            #expect(bigQuery.jobs.last?.referencedTables == ["data-proj:ds.people"])
        }
    }

    @Test func googleSQLLiteralsAndCastsRunOnDuckDB() async throws {
        try await withFake { bigQuery in
            let sql = """
                SELECT "dq" AS q, b'a\\n' AS b, NUMERIC '2.50' AS n, SAFE_CAST('x' AS INT64) AS s, 1.5 AS f,
                  CAST('2024-01-31 10:00:00' AS TIMESTAMP) AS ts  # a GoogleSQL comment
                """
            let body = try await Self.query(bigQuery, sql).object()
            let schema = try #require((body["schema"] as? [String: Any])?["fields"] as? [[String: Any]])
            #expect(
                schema.map { $0["type"] as? String } == ["STRING", "BYTES", "NUMERIC", "INTEGER", "FLOAT", "TIMESTAMP"])
            let row = try #require((body["rows"] as? [Any])?.first)
            let expected: [Any] = ["dq", "YQo=", "2.5", NSNull(), "1.5", "1.7066952E9"]
            #expect(try Self.canonical(Self.values(row)) == Self.canonical(expected))
        }
    }

    @Test func maxResultsAndPageTokenPageTheRows() async throws {
        try await withFake { bigQuery in
            bigQuery.putTable(
                project: "proj", dataset: "ds", table: "nums", fields: [.init("n", .int64)],
                rows: (1...5).map { [.int($0)] })
            let first = try await Self.query(
                bigQuery, "SELECT n FROM ds.nums ORDER BY n", extra: ["maxResults": 2]
            ).object()
            #expect(first["totalRows"] as? String == "5")
            #expect((first["rows"] as? [Any])?.map { Self.values($0).first as? String } == ["1", "2"])
            let jobID = try #require((first["jobReference"] as? [String: Any])?["jobId"] as? String)
            var token = try #require(first["pageToken"] as? String)
            var seen: [String?] = []
            while true {
                let page = try await Self.api(bigQuery, "proj/queries/\(jobID)?maxResults=2&pageToken=\(token)")
                    .object()
                #expect(page["kind"] as? String == "bigquery#getQueryResultsResponse")
                seen += (page["rows"] as? [Any] ?? []).map { Self.values($0).first as? String }
                guard let next = page["pageToken"] as? String else { break }
                token = next
            }
            #expect(seen == ["3", "4", "5"])
            let fromIndex = try await Self.api(bigQuery, "proj/queries/\(jobID)?startIndex=4").object()
            #expect((fromIndex["rows"] as? [Any])?.map { Self.values($0).first as? String } == ["5"])
        }
    }

    @Test func aSlowJobAnswersIncompleteUntilPolledEnough() async throws {
        try await withFake { bigQuery in
            Self.putPeople(bigQuery, project: "data-proj")
            bigQuery.pollsUntilComplete = 2
            let started = try await Self.query(bigQuery, "SELECT name FROM `data-proj.ds.people`", project: "billing")
                .object()
            #expect(started["jobComplete"] as? Bool == false)
            #expect(started["rows"] == nil)
            #expect(started["totalRows"] == nil)
            let reference = try #require(started["jobReference"] as? [String: Any])
            #expect(reference["projectId"] as? String == "billing")
            #expect(reference["location"] as? String == "US")
            let jobID = try #require(reference["jobId"] as? String)
            for _ in 1...2 {
                let poll = try await Self.api(bigQuery, "billing/queries/\(jobID)?location=US").object()
                #expect(poll["jobComplete"] as? Bool == false)
            }
            let done = try await Self.api(bigQuery, "billing/queries/\(jobID)?location=US").object()
            #expect(done["jobComplete"] as? Bool == true)
            #expect(done["totalRows"] as? String == "3")
            #expect(try await Self.api(bigQuery, "data-proj/queries/\(jobID)").status == 404)
            let job = try #require(bigQuery.jobs.first)
            #expect(job.projectID == "billing")
            #expect(job.referencedTables == ["data-proj:ds.people"])
        }
    }

    @Test func aDryRunEstimatesTheBytesOfTheColumnsItReads() async throws {
        try await withFake { bigQuery in
            Self.putPeople(bigQuery)
            // id: 3 × 8; name: (2 + 3) + (2 + 2) + NULL 0; score: 8 + 0 + 8.
            let named = try await Self.query(
                bigQuery, "SELECT name FROM `proj.ds.people` WHERE id > 1", extra: ["dryRun": true]
            ).object()
            #expect(named["totalBytesProcessed"] as? String == "33")
            #expect(named["jobComplete"] as? Bool == true)
            #expect(named["rows"] == nil)
            #expect((named["jobReference"] as? [String: Any])?["jobId"] == nil)
            let star = try await Self.query(bigQuery, "SELECT * FROM `proj.ds.people`", extra: ["dryRun": true])
            #expect(try star.object()["totalBytesProcessed"] as? String == "49")
            let inserted = try await Self.api(
                bigQuery, "proj/jobs", method: .POST,
                json: [
                    "configuration": [
                        "query": ["query": "SELECT score FROM `proj.ds.people`", "useLegacySql": false], "dryRun": true,
                    ]
                ]
            ).object()
            let statistics = try #require(inserted["statistics"] as? [String: Any])
            #expect((statistics["query"] as? [String: Any])?["totalBytesProcessed"] as? String == "16")
            #expect((inserted["status"] as? [String: Any])?["state"] as? String == "DONE")
            #expect(bigQuery.jobs.isEmpty)
        }
    }

    @Test func anInsertedJobRunsThroughItsStatesAndCanBeCancelled() async throws {
        try await withFake { bigQuery in
            Self.putPeople(bigQuery)
            bigQuery.pollsUntilComplete = 1
            let configuration: [String: Any] = [
                "configuration": ["query": ["query": "SELECT id FROM `proj.ds.people`", "useLegacySql": false]]
            ]
            let job = try await Self.api(bigQuery, "proj/jobs", method: .POST, json: configuration).object()
            #expect((job["status"] as? [String: Any])?["state"] as? String == "PENDING")
            let id = try #require((job["jobReference"] as? [String: Any])?["jobId"] as? String)
            let states = try await [1, 2].asyncMap { _ in
                try await Self.api(bigQuery, "proj/jobs/\(id)").object()["status"] as? [String: Any]
            }
            #expect(states.map { $0?["state"] as? String } == ["RUNNING", "DONE"])
            let results = try await Self.api(bigQuery, "proj/queries/\(id)").object()
            #expect(results["totalRows"] as? String == "3")

            let other = try await Self.api(bigQuery, "proj/jobs", method: .POST, json: configuration).object()
            let otherID = try #require((other["jobReference"] as? [String: Any])?["jobId"] as? String)
            let cancelled = try await Self.api(bigQuery, "proj/jobs/\(otherID)/cancel", method: .POST).object()
            #expect(cancelled["kind"] as? String == "bigquery#jobCancelResponse")
            let status = try #require((cancelled["job"] as? [String: Any])?["status"] as? [String: Any])
            #expect(status["state"] as? String == "DONE")
            #expect((status["errorResult"] as? [String: Any])?["reason"] as? String == "stopped")
            #expect(bigQuery.cancelledJobs == [otherID])
            #expect(bigQuery.jobs.map(\.isCancelled) == [false, true])

            let failing = try await Self.api(
                bigQuery, "proj/jobs", method: .POST,
                json: ["configuration": ["query": ["query": "SELECT x FROM `proj.ds.gone`", "useLegacySql": false]]]
            ).object()
            let failure = try #require(failing["status"] as? [String: Any])
            #expect(failure["state"] as? String == "DONE")
            #expect((failure["errorResult"] as? [String: Any])?["reason"] as? String == "notFound")
        }
    }

    @Test func datasetsAndTablesAreListedInPagesAndDescribed() async throws {
        try await withFake { bigQuery in
            for dataset in ["a", "b", "c"] {
                bigQuery.putTable(project: "proj", dataset: dataset, table: "t", fields: Self.people, rows: [])
            }
            Self.putPeople(bigQuery)
            bigQuery.putView(project: "proj", dataset: "ds", view: "named", sql: "SELECT name FROM ds.people")
            bigQuery.listPageSize = 2
            let first = try await Self.api(bigQuery, "proj/datasets").object()
            let firstIDs = (first["datasets"] as? [[String: Any]])?.map { $0["id"] as? String }
            #expect(firstIDs == ["proj:a", "proj:b"])
            let token = try #require(first["nextPageToken"] as? String)
            let second = try await Self.api(bigQuery, "proj/datasets?pageToken=\(token)").object()
            #expect((second["datasets"] as? [[String: Any]])?.map { $0["id"] as? String } == ["proj:c", "proj:ds"])
            #expect(second["nextPageToken"] == nil)

            let tables = try await Self.api(bigQuery, "proj/datasets/ds/tables").object()
            #expect(tables["totalItems"] as? Int == 2)
            #expect((tables["tables"] as? [[String: Any]])?.map { $0["type"] as? String } == ["VIEW", "TABLE"])

            let people = try await Self.api(bigQuery, "proj/datasets/ds/tables/people").object()
            #expect(people["numRows"] as? String == "3")
            #expect(people["numBytes"] as? String == "49")
            #expect(people["description"] as? String == "People")
            #expect(people["type"] as? String == "TABLE")
            #expect((people["lastModifiedTime"] as? String).flatMap { Int64($0) } != nil)
            let fields = try #require((people["schema"] as? [String: Any])?["fields"] as? [[String: Any]])
            #expect(fields.map { $0["mode"] as? String } == ["REQUIRED", "NULLABLE", "NULLABLE"])

            let view = try await Self.api(bigQuery, "proj/datasets/ds/tables/named").object()
            #expect(view["type"] as? String == "VIEW")
            let viewFields = (view["schema"] as? [String: Any])?["fields"] as? [[String: Any]]
            #expect(viewFields?.map { $0["name"] as? String } == ["name"])
            let viaView = try await Self.query(bigQuery, "SELECT COUNT(*) AS n FROM `proj.ds.named`").object()
            #expect((viaView["rows"] as? [Any])?.first.map { Self.values($0).first as? String } == "3")
            #expect(try await Self.api(bigQuery, "proj/datasets/nope/tables").status == 404)
        }
    }
}

extension Sequence {
    /// `map` with an async transform, in order.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
