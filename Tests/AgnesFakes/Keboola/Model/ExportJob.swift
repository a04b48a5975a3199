import Foundation

/// A `tableExport` storage job: `waiting` until polled, `processing`, then `success` (or `error`) on the
/// poll that reaches ``pollsUntilDone`` (apiary "Job detail"; statuses waiting, processing, success, error).
struct ExportJob {
    let id: Int
    let tableID: String
    let fileID: Int
    let parameters: ExportParameters
    let created: Date
    let pollsUntilDone: Int
    var failure: String?
    var polls = 0
    var started: Date?
    var ended: Date?

    var status: String {
        if ended != nil { return failure == nil ? "success" : "error" }
        return started == nil ? "waiting" : "processing"
    }

    /// One more `GET /jobs/{id}` at `now`.
    mutating func poll(now: Date) {
        guard ended == nil else { return }
        polls += 1
        if started == nil { started = now }
        if polls >= pollsUntilDone { ended = now }
    }
}
