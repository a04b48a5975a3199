/// The fake's query jobs.
extension BigQueryState {
    /// The job `project:id`, nil when there is none there or it runs in another location than `location`.
    func job(project: String, id: String, location: String?) -> BigQueryJob? {
        guard let job = jobs["\(project):\(id)"] else { return nil }
        if let location, location.lowercased() != job.location.lowercased() { return nil }
        return job
    }

    /// Counts a poll of a job: the job as it is then and whether it is done.
    mutating func poll(project: String, id: String, location: String?) -> (job: BigQueryJob, isDone: Bool)? {
        guard var job = job(project: project, id: id, location: location) else { return nil }
        let isDone = job.poll(now: tick())
        jobs[job.key] = job
        return (job, isDone)
    }

    /// Records a jobs.cancel call; a job that has not completed ends, cancelled.
    mutating func cancel(project: String, id: String, location: String?) -> BigQueryJob? {
        guard var job = job(project: project, id: id, location: location) else { return nil }
        cancelledJobs.append(id)
        for watcher in cancellationWatchers { watcher.resume(returning: id) }
        cancellationWatchers = []
        if !job.isDone {
            job.isCancelled = true
            job.endTime = tick()
        }
        jobs[job.key] = job
        return job
    }

    /// A job for a query that ran (`plan` given) or could not be planned, stored unless it is a dry
    /// run. It is done at once when it failed, is a dry run, or ``pollsUntilComplete`` is 0; a result
    /// goes to the destination table the configuration names.
    mutating func createJob(
        id: String?, project: String, _ configuration: QueryConfiguration, plan: QueryPlan?,
        outcome: BigQueryJob.Outcome
    ) -> BigQueryJob {
        var outcome = outcome
        if case .succeeded(let output) = outcome, let destination = configuration.destinationTable,
            !configuration.isDryRun,
            let error = write(output, to: destination, disposition: configuration.writeDisposition)
        {
            outcome = .failed(error)
        }
        let now = tick()
        var job = BigQueryJob(
            id: id ?? "job_" + Self.random(28, alphabet: Self.jobIDAlphabet), projectID: project,
            location: plan?.location ?? configuration.location ?? "US", configuration: configuration,
            referencedTables: plan?.referencedTables ?? [], bytesProcessed: plan?.bytesProcessed ?? 0,
            outcome: outcome, pollsRemaining: pollsUntilComplete, creationTime: now)
        if case .failed = outcome { job.endTime = now }
        if configuration.isDryRun || pollsUntilComplete <= 0 { job.endTime = now }
        if !configuration.isDryRun {
            if jobs[job.key] == nil { jobOrder.append(job.key) }
            jobs[job.key] = job
        }
        return job
    }

    /// Writes a query's result to its destination table as `disposition` says: WRITE_TRUNCATE replaces
    /// the table, WRITE_APPEND adds to it, WRITE_EMPTY (the default) refuses a table that has rows.
    /// Returns the error that stops it, if any.
    private mutating func write(_ output: QueryOutput, to id: BigQueryTableID, disposition: String?) -> BigQueryError? {
        guard datasets[id.datasetID] != nil else { return .notFound("Not found: Dataset \(id.datasetID.legacyName)") }
        let rows = output.rows.map { $0.map(FakeBigQueryValue.init) }
        let existing = tables[id]
        switch (disposition ?? "WRITE_EMPTY", existing) {
        case ("WRITE_APPEND", let existing?) where !existing.isView:
            put(id, .rows(fields: existing.fields, rows: existing.rows + rows), description: existing.description)
        case ("WRITE_EMPTY", let existing?) where existing.isView || !existing.rows.isEmpty:
            return .duplicate("Already Exists: Table \(id.legacyName)")
        default:
            put(id, .rows(fields: output.fields, rows: rows), description: existing?.description)
        }
        return nil
    }

    static let jobIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
}
