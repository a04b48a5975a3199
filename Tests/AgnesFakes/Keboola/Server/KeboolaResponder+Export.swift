import Foundation
import Hummingbird
import Synchronization

extension KeboolaResponder {
    /// `POST /tables/{id}/export-async`: validates, snapshots the rows into slices, answers 202 with a
    /// waiting job (apiary "Asynchronous Export").
    func exportTable(_ id: String, _ request: IncomingRequest, failure: FakeKeboolaFailure?) throws(KeboolaAPIError)
        -> Response
    {
        let (found, now, rowsPerSlice) = store.state.withLock { ($0.tables[id], $0.now, $0.rowsPerSlice) }
        guard let table = found else { throw Self.tableNotFound(id) }
        let body = try RequestParameters.parse(body: request.body, contentType: request.header("content-type"))
        let parameters = try ExportParameters(body, tableColumns: table.columns, now: now)
        let slices: [(body: StoredObject.Body, isGzipped: Bool)]
        switch table.content {
        case .rows(let rows):
            let records = ExportBuilder.records(rows, tableColumns: table.columns, parameters: parameters)
            slices = ExportBuilder.slices(records, rowsPerSlice: rowsPerSlice, gzip: parameters.isGzipped).map {
                (.bytes($0), parameters.isGzipped)
            }
        case .files(let urls, _, _):
            slices = urls.map { url in
                let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?
                    .intValue
                return (.file(url, size: size ?? 0), url.pathExtension == "gz")
            }
        }
        let message: String? = if case .jobError(let message)? = failure { message } else { nil }
        let (job, base) = store.state.withLock { state in
            (state.addExport(of: table, parameters: parameters, slices: slices, failure: message), state.baseURL)
        }
        return KeboolaJSON.response(KeboolaJSON.job(job, base: base), status: 202)
    }

    /// `GET /jobs/{id}`: each poll moves the job on.
    func job(_ id: Int, failure: FakeKeboolaFailure?) throws(KeboolaAPIError) -> Response {
        let polled = store.state.withLock { state -> (ExportJob, String)? in
            guard var job = state.jobs[id] else { return nil }
            if case .jobError(let message)? = failure, job.ended == nil { job.failure = message }
            job.poll(now: state.now)
            state.jobs[id] = job
            return (job, state.baseURL)
        }
        guard let (job, base) = polled else { throw .notFound("Job \(id) not found", code: "storage.jobs.notFound") }
        return KeboolaJSON.response(KeboolaJSON.job(job, base: base))
    }

    /// `GET /files/{id}[?federationToken=1]`: with the flag, fresh download credentials.
    func file(_ id: Int, _ request: IncomingRequest) throws(KeboolaAPIError) -> Response {
        let federation = ["1", "true"].contains(request.queryParameters["federationToken"]?.lowercased() ?? "")
        let detail = store.state.withLock { state -> (ExportFile, String, IssuedCredentials?, String)? in
            guard let file = state.files[id] else { return nil }
            let credentials = federation ? state.issueCredentials(for: file) : nil
            return (file, state.manifestURL(for: file), credentials, state.baseURL)
        }
        guard let (file, url, credentials, base) = detail else {
            throw .notFound("File \(id) not found", code: "storage.files.notFound")
        }
        return KeboolaJSON.response(KeboolaJSON.file(file, url: url, credentials: credentials, base: base))
    }
}
