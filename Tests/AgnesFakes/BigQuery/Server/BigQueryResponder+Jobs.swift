import DuckDB
import Foundation
import Hummingbird
import Synchronization

extension BigQueryResponder {
    /// jobs.query: runs the query as a job and answers its first page, or `jobComplete: false` while the
    /// job still runs. Errors come back as the envelope; a dry run answers the schema and the bytes.
    func query(project: String, _ request: IncomingRequest) async -> Response {
        do {
            let configuration = try QueryConfiguration(queryRequest: BigQueryJSON.object(request.body), project: project)
            let job = try await run(configuration, project: project, jobID: nil)
            var answer: [String: Any]
            switch job.outcome {
            case .failed(let error):
                return error.response()
            case .succeeded(let output) where configuration.isDryRun:
                answer = job.page(of: output, from: 0, maxResults: 0, limit: 0, kind: "bigquery#queryResponse")
                answer["totalRows"] = nil
                answer["pageToken"] = nil
            case .succeeded(let output) where job.isDone:
                let limit = store.state.withLock { $0.maxRowsPerPage }
                answer = job.page(
                    of: output, from: 0, maxResults: configuration.maxResults, limit: limit,
                    kind: "bigquery#queryResponse")
            case .succeeded:
                answer = job.incomplete(kind: "bigquery#queryResponse")
            }
            answer["location"] = job.location
            return BigQueryJSON.response(answer)
        } catch {
            return error.response()
        }
    }

    /// jobs.getQueryResults: counts a poll, then answers a page from `pageToken` or `startIndex`.
    func queryResults(project: String, job id: String, _ request: IncomingRequest) -> Response {
        let parameters = request.queryParameters
        let kind = "bigquery#getQueryResultsResponse"
        let found = store.state.withLock { state -> (BigQueryJob, Bool, Int)? in
            guard let job = state.job(project: project, id: id, location: parameters["location"]) else { return nil }
            let now = state.tick()
            let isDone = state.jobs[job.key]!.poll(now: now)
            return (state.jobs[job.key]!, isDone, state.maxRowsPerPage)
        }
        guard let (job, isDone, limit) = found else { return BigQueryError.notFound("Not found: Job \(project):\(id)").response() }
        guard isDone else { return BigQueryJSON.response(job.incomplete(kind: kind)) }
        if let error = job.error, error.reason == BigQueryError.stopped.reason {
            return BigQueryJSON.response([
                "kind": kind, "jobReference": job.reference, "jobComplete": true,
                "errors": [error.errorProto(domain: true)],
            ])
        }
        switch job.outcome {
        case .failed(let error):
            return BigQueryError(
                status: BigQueryError.status(of: error.reason), reason: error.reason, message: error.message
            ).response()
        case .succeeded(let output):
            var start = Int(parameters["startIndex"] ?? "") ?? 0
            if let token = parameters["pageToken"] {
                guard let offset = BigQueryJSON.offset(of: token, scope: job.key) else {
                    return BigQueryError.invalid("Invalid page token: \(token)").response()
                }
                start = offset
            }
            let maxResults = parameters["maxResults"].flatMap { Int($0) }
            return BigQueryJSON.response(job.page(of: output, from: start, maxResults: maxResults, limit: limit, kind: kind))
        }
    }

    /// jobs.insert of a query job. A query that cannot run still makes a job, which ends `DONE` with
    /// the error as `errorResult`; a dry run answers at once, or the error envelope.
    func insertJob(project: String, _ request: IncomingRequest) async -> Response {
        let body = BigQueryJSON.object(request.body)
        let jobID = (body["jobReference"] as? [String: Any])?["jobId"] as? String
        do {
            let configuration = try QueryConfiguration(job: body, project: project)
            let job: BigQueryJob
            do {
                job = try await run(configuration, project: project, jobID: jobID)
            } catch where !configuration.isDryRun && error.reason != "duplicate" {
                job = store.state.withLock { $0.storeFailedJob(configuration, project: project, id: jobID, error) }
            }
            if configuration.isDryRun, case .failed(let error) = job.outcome { return error.response() }
            return BigQueryJSON.response(job.resource(baseURL: store.state.withLock { $0.baseURL }))
        } catch {
            return error.response()
        }
    }

    /// jobs.get: counts a poll and answers the `Job` resource.
    func getJob(project: String, job id: String, _ request: IncomingRequest) -> Response {
        let found = store.state.withLock { state -> (BigQueryJob, String)? in
            guard let job = state.job(project: project, id: id, location: request.queryParameters["location"]) else {
                return nil
            }
            let now = state.tick()
            _ = state.jobs[job.key]!.poll(now: now)
            return (state.jobs[job.key]!, state.baseURL)
        }
        guard let (job, baseURL) = found else { return BigQueryError.notFound("Not found: Job \(project):\(id)").response() }
        return BigQueryJSON.response(job.resource(baseURL: baseURL))
    }

    /// jobs.cancel: a job that has not completed ends `DONE` with the `stopped` error; the answer is a
    /// `JobCancelResponse`.
    func cancelJob(project: String, job id: String, _ request: IncomingRequest) -> Response {
        let found = store.state.withLock { state -> (BigQueryJob, String)? in
            guard let job = state.job(project: project, id: id, location: request.queryParameters["location"]) else {
                return nil
            }
            state.cancelledJobs.append(id)
            if !job.isDone {
                let now = state.tick()
                state.jobs[job.key]!.isCancelled = true
                state.jobs[job.key]!.endTime = now
            }
            return (state.jobs[job.key]!, state.baseURL)
        }
        guard let (job, baseURL) = found else { return BigQueryError.notFound("Not found: Job \(project):\(id)").response() }
        return BigQueryJSON.response(["kind": "bigquery#jobCancelResponse", "job": job.resource(baseURL: baseURL)])
    }

    /// Plans and runs a query job, and stores it unless it is a dry run. Throws what makes the query
    /// unplannable (bad SQL, a missing table, a taken job id); execution errors and an injected
    /// ``FakeBigQueryFailure/jobError(reason:message:)`` end up in the job's outcome.
    func run(_ configuration: QueryConfiguration, project: String, jobID: String?) async throws(BigQueryError)
        -> BigQueryJob
    {
        let (plan, injected) = try store.state.withLock { state throws(BigQueryError) in
            if let jobID, state.jobs["\(project):\(jobID)"] != nil {
                throw BigQueryError.duplicate("Already Exists: Job \(project):\(configuration.location ?? "US").\(jobID)")
            }
            let plan = try QueryPlan(configuration, billingProject: project, state: state)
            let injected =
                configuration.isDryRun
                ? nil
                : state.takeInjection(path: "/bigquery/v2/projects/\(project)/") { failure in
                    if case .jobError = failure { return true }
                    return false
                }
            return (plan, injected)
        }
        var outcome: BigQueryJob.Outcome
        if case .jobError(let reason, let message)? = injected {
            let error = BigQueryError(status: BigQueryError.status(of: reason), reason: reason, message: message)
            outcome = .failed(error)
        } else {
            do {
                let (sql, catalog) = (plan.sql, plan.catalog)
                outcome = .succeeded(try await offloaded("fake-bigquery") { try BigQueryEngine.run(sql, over: catalog) })
            } catch let error as BigQueryError {
                outcome = .failed(error)
            } catch {
                outcome = .failed(BigQueryError(status: 500, reason: "internalError", message: "\(error)"))
            }
        }
        return store.state.withLock { state in
            if case .succeeded(let output) = outcome, let destination = configuration.destinationTable,
                !configuration.isDryRun
            {
                if let error = state.write(output, to: destination, disposition: configuration.writeDisposition) {
                    outcome = .failed(error)
                }
            }
            let now = state.tick()
            var job = BigQueryJob(
                id: jobID ?? "job_" + BigQueryState.random(28, alphabet: Self.jobIDAlphabet), projectID: project,
                location: plan.location, configuration: configuration, referencedTables: plan.referencedTables,
                bytesProcessed: plan.bytesProcessed, outcome: outcome, pollsRemaining: state.pollsUntilComplete,
                creationTime: now)
            if case .failed = outcome { job.endTime = now }
            if configuration.isDryRun || state.pollsUntilComplete <= 0 { job.endTime = now }
            if !configuration.isDryRun { state.store(job) }
            return job
        }
    }

    static let jobIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
}

extension BigQueryState {
    /// The job `project:id`, nil when there is none there or it runs in another location than `location`.
    func job(project: String, id: String, location: String?) -> BigQueryJob? {
        guard let job = jobs["\(project):\(id)"] else { return nil }
        if let location, location.lowercased() != job.location.lowercased() { return nil }
        return job
    }

    mutating func store(_ job: BigQueryJob) {
        if jobs[job.key] == nil { jobOrder.append(job.key) }
        jobs[job.key] = job
    }

    /// A jobs.insert job whose query could not be planned: done at once, failed.
    mutating func storeFailedJob(_ configuration: QueryConfiguration, project: String, id: String?, _ error: BigQueryError)
        -> BigQueryJob
    {
        let now = tick()
        var job = BigQueryJob(
            id: id ?? "job_" + Self.random(28, alphabet: BigQueryResponder.jobIDAlphabet), projectID: project,
            location: configuration.location ?? "US", configuration: configuration, referencedTables: [],
            bytesProcessed: 0, outcome: .failed(error), pollsRemaining: 0, creationTime: now)
        job.endTime = now
        store(job)
        return job
    }

    /// Writes a query's result to its destination table as `disposition` says: WRITE_TRUNCATE replaces
    /// the table, WRITE_APPEND adds to it, WRITE_EMPTY (the default) refuses a table that has rows.
    /// Returns the error that stops it, if any.
    mutating func write(_ output: QueryOutput, to id: BigQueryTableID, disposition: String?) -> BigQueryError? {
        guard datasets[id.datasetID] != nil else { return .notFound("Not found: Dataset \(id.datasetID.legacyName)") }
        let rows = output.rows.map { $0.map(FakeBigQueryValue.init) }
        let existing = tables[id]
        switch disposition ?? "WRITE_EMPTY" {
        case "WRITE_TRUNCATE":
            put(id, .rows(fields: output.fields, rows: rows), description: existing?.description)
        case "WRITE_APPEND" where existing?.isView == false:
            put(id, .rows(fields: existing!.fields, rows: existing!.rows + rows), description: existing?.description)
        default:
            if let existing, existing.isView || !existing.rows.isEmpty {
                return .duplicate("Already Exists: Table \(id.legacyName)")
            }
            put(id, .rows(fields: output.fields, rows: rows), description: existing?.description)
        }
        return nil
    }
}
