/// The REST representations of a job: the `Job` resource and pages of its results.
extension BigQueryJob {
    /// `project:jobId`, the key of ``BigQueryState/jobs``.
    var key: String { "\(projectID):\(id)" }

    /// The `JobReference`; a dry run has no job id.
    var reference: [String: Any] {
        var reference: [String: Any] = ["projectId": projectID, "location": location]
        if !configuration.isDryRun { reference["jobId"] = id }
        return reference
    }

    /// The `Job` resource jobs.insert, jobs.get and jobs.cancel answer with.
    func resource(baseURL: String) -> [String: Any] {
        var configuration: [String: Any] = ["query": self.configuration.json, "jobType": "QUERY"]
        if self.configuration.isDryRun { configuration["dryRun"] = true }
        if !self.configuration.labels.isEmpty { configuration["labels"] = self.configuration.labels }
        var statistics: [String: Any] = ["creationTime": String(creationTime)]
        if hasStarted || isDone { statistics["startTime"] = String(creationTime) }
        if let endTime {
            statistics["endTime"] = String(endTime)
            statistics["totalBytesProcessed"] = String(bytesProcessed)
            var query: [String: Any] = [
                "totalBytesProcessed": String(bytesProcessed), "totalBytesBilled": String(bytesBilled),
                "cacheHit": false, "statementType": "SELECT", "referencedTables": referencedTables.map(\.reference),
            ]
            if case .succeeded(let output) = outcome {
                query["schema"] = ["fields": output.fields.map(RowEncoding.schema)]
            }
            statistics["query"] = query
        }
        var status: [String: Any] = ["state": state]
        if let error {
            status["errorResult"] = error.errorProto(domain: false)
            status["errors"] = [error.errorProto(domain: false)]
        }
        var resource: [String: Any] = [
            "kind": "bigquery#job", "etag": BigQueryState.random(16), "id": "\(projectID):\(location).\(id)",
            "jobReference": reference, "configuration": configuration, "statistics": statistics, "status": status,
        ]
        if !self.configuration.isDryRun {
            resource["selfLink"] = "\(baseURL)/bigquery/v2/projects/\(projectID)/jobs/\(id)?location=\(location)"
        }
        return resource
    }

    /// A `QueryResponse` / `GetQueryResultsResponse` page of a successful job: `maxResults` rows (at most
    /// `limit`) from row `start`, and a `pageToken` when more follow.
    func page(
        of output: QueryOutput, from start: Int, maxResults: Int?, limit: Int, kind: String,
        timestamps: RowEncoding.TimestampFormat = .float64
    ) -> [String: Any] {
        let count = max(0, min(maxResults ?? limit, limit, output.rows.count - start))
        var page: [String: Any] = [
            "kind": kind, "etag": BigQueryState.random(16), "jobReference": reference,
            "schema": ["fields": output.fields.map(RowEncoding.schema)], "totalRows": String(output.rows.count),
            "totalBytesProcessed": String(bytesProcessed), "jobComplete": true, "cacheHit": false,
        ]
        if count > 0 {
            page["rows"] = output.rows[start..<start + count].map {
                RowEncoding.row($0, output.fields, timestamps: timestamps)
            }
        }
        if start + count < output.rows.count { page["pageToken"] = BigQueryJSON.pageToken(start + count, scope: key) }
        return page
    }

    /// An answer of a job that has not completed yet.
    func incomplete(kind: String) -> [String: Any] {
        ["kind": kind, "etag": BigQueryState.random(16), "jobReference": reference, "jobComplete": false]
    }

    /// What on-demand pricing bills: nothing for nothing, else the bytes rounded up to a MiB, at least
    /// 10 MiB (the pricing page's minimum per query).
    var bytesBilled: Int64 {
        guard bytesProcessed > 0, !configuration.isDryRun else { return 0 }
        let mebibyte: Int64 = 1 << 20
        return max(10 * mebibyte, (bytesProcessed + mebibyte - 1) / mebibyte * mebibyte)
    }
}
