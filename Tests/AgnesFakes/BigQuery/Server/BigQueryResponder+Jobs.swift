import DuckDB
import Foundation
import Hummingbird
import Synchronization

extension BigQueryResponder {
    /// jobs.query: runs the query as a job and answers its first page, or `jobComplete: false` while the
    /// job still runs. Errors come back as the envelope; a dry run answers the schema and the bytes.
    func query(project: String, _ request: IncomingRequest) async -> Response {
        do {
            let configuration = try QueryConfiguration(
                queryRequest: BigQueryJSON.object(request.body), project: project)
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
                    kind: "bigquery#queryResponse", timestamps: configuration.timestamps)
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
        let found = store.state.withLock { state in
            state.poll(project: project, id: id, location: parameters["location"]).map {
                ($0, $1, state.maxRowsPerPage)
            }
        }
        guard let (job, isDone, limit) = found else {
            return BigQueryError.notFound("Not found: Job \(project):\(id)").response()
        }
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
            return BigQueryJSON.response(
                job.page(
                    of: output, from: start, maxResults: maxResults, limit: limit, kind: kind,
                    timestamps: request.timestampFormat))
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
            } catch let error where !configuration.isDryRun && error.reason != "duplicate" {
                job = store.state.withLock {
                    $0.createJob(id: jobID, project: project, configuration, plan: nil, outcome: .failed(error))
                }
            }
            if configuration.isDryRun, case .failed(let error) = job.outcome { return error.response() }
            return BigQueryJSON.response(job.resource(baseURL: store.state.withLock { $0.baseURL }))
        } catch {
            return error.response()
        }
    }

    /// jobs.get: counts a poll and answers the `Job` resource.
    func getJob(project: String, job id: String, _ request: IncomingRequest) -> Response {
        let found = store.state.withLock { state in
            state.poll(project: project, id: id, location: request.queryParameters["location"]).map {
                ($0.job, state.baseURL)
            }
        }
        guard let (job, baseURL) = found else {
            return BigQueryError.notFound("Not found: Job \(project):\(id)").response()
        }
        return BigQueryJSON.response(job.resource(baseURL: baseURL))
    }

    /// jobs.cancel: a job that has not completed ends `DONE` with the `stopped` error; the answer is a
    /// `JobCancelResponse`.
    func cancelJob(project: String, job id: String, _ request: IncomingRequest) -> Response {
        let found = store.state.withLock { state in
            state.cancel(project: project, id: id, location: request.queryParameters["location"]).map {
                ($0, state.baseURL)
            }
        }
        guard let (job, baseURL) = found else {
            return BigQueryError.notFound("Not found: Job \(project):\(id)").response()
        }
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
                throw BigQueryError.duplicate(
                    "Already Exists: Job \(project):\(configuration.location ?? "US").\(jobID)")
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
        let outcome: BigQueryJob.Outcome
        if case .jobError(let reason, let message)? = injected {
            let error = BigQueryError(status: BigQueryError.status(of: reason), reason: reason, message: message)
            outcome = .failed(error)
        } else {
            do {
                let (sql, catalog) = (plan.sql, plan.catalog)
                outcome = .succeeded(
                    try await offloaded("fake-bigquery") { try BigQueryEngine.run(sql, over: catalog) })
            } catch let error as BigQueryError {
                outcome = .failed(error)
            } catch {
                outcome = .failed(BigQueryError(status: 500, reason: "internalError", message: "\(error)"))
            }
        }
        return store.state.withLock {
            $0.createJob(id: jobID, project: project, configuration, plan: plan, outcome: outcome)
        }
    }
}
