import Foundation
import Synchronization

/// `<file>.part.json`, next to a partial download: which content the partial file belongs to (its
/// MD5 and size) and how far each of its byte ranges got. A partial file without it, or with another
/// hash, is discarded rather than resumed; with it, each range continues where it stopped.
struct PartialDownload: Codable, Sendable, Equatable {
    /// One byte range `[start, end)` of the file and the bytes of it written so far.
    struct Segment: Codable, Sendable, Equatable {
        var start: Int64
        /// Exclusive end; nil when the size is unknown (a single range to the end).
        var end: Int64?
        var done: Int64

        var next: Int64 { start + done }
        var isComplete: Bool { end.map { next >= $0 } ?? false }
    }

    /// The MD5 the finished file must have.
    var hash: String
    /// The finished file's size, when known.
    var size: Int64?
    var segments: [Segment]

    /// A fresh plan: one range over the whole file (open-ended when the size is unknown).
    static func fresh(hash: String, size: Int64?) -> PartialDownload {
        PartialDownload(hash: hash, size: size, segments: [Segment(start: 0, end: size, done: 0)])
    }

    /// A probe range `[0, probe)` and the rest of a file of `size` bytes, as a second range.
    static func probing(hash: String, size: Int64, probe: Int64) -> PartialDownload {
        let end = min(size, max(1, probe))
        return PartialDownload(
            hash: hash, size: size,
            segments: [Segment(start: 0, end: end, done: 0), Segment(start: end, end: size, done: 0)])
    }

    /// The sidecar of `partial`.
    static func sidecar(of partial: URL) -> URL { URL(fileURLWithPath: partial.path + ".json") }

    static func load(_ url: URL) -> PartialDownload? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? JSONDecoder().decode(PartialDownload.self, from: data)
    }
}

/// The live state of a download's ranges, shared by the tasks fetching them and saved to the sidecar.
final class SegmentLedger: Sendable {
    let url: URL
    private let state: Mutex<PartialDownload>

    init(url: URL, state: PartialDownload) {
        self.url = url
        self.state = Mutex(state)
    }

    var snapshot: PartialDownload { state.withLock { $0 } }

    /// Records that range `index` is written up to `position`.
    func record(_ index: Int, position: Int64) {
        state.withLock { $0.segments[index].done = max($0.segments[index].done, position - $0.segments[index].start) }
    }

    /// Replaces range `index`, not begun, with `count` ranges of about equal size.
    func split(_ index: Int, into count: Int) {
        state.withLock { state in
            let segment = state.segments[index]
            guard count > 1, segment.done == 0, let end = segment.end, end > segment.start else { return }
            let step = max(1, (end - segment.start + Int64(count) - 1) / Int64(count))
            let parts = stride(from: segment.start, to: end, by: Int(step)).map {
                PartialDownload.Segment(start: $0, end: min(end, $0 + step), done: 0)
            }
            state.segments.replaceSubrange(index...index, with: parts)
        }
    }

    /// The length of the written prefix of the file: every byte before it is written.
    var writtenPrefix: Int64 {
        state.withLock { state in
            for segment in state.segments where !segment.isComplete { return segment.next }
            return state.segments.last.map { $0.end ?? $0.next } ?? 0
        }
    }

    /// Saves the state (blocking: call off the cooperative pool).
    func persist() throws {
        let data = try state.withLock { try JSONEncoder().encode($0) }
        try AtomicFile.write(data, to: url)
    }

    /// Deletes the sidecar.
    func remove() {
        unlink(url.path)
    }
}
