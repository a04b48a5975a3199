import AgnesCore
/// The outcome of one rebuild: the views each source now publishes, and every problem found.
public struct RebuildResult: Sendable, Codable, Hashable {
    /// `{source: [view names]}` for every source that was read.
    public var sources: [String: [String]]
    /// Problems, each tied to a source (and table, where it concerns one).
    public var issues: [RebuildIssue]
    /// The analytics generation this rebuild produced.
    public var generation: Int
    /// Wall time of the rebuild.
    public var durationMS: Int
    /// Wall time per phase (read_state, build, hash_and_diff, swap, record, reload, collect).
    public var phasesMS: [String: Int]

    /// Creates a result.
    public init(
        sources: [String: [String]], issues: [RebuildIssue], generation: Int, durationMS: Int,
        phasesMS: [String: Int] = [:]
    ) {
        self.sources = sources
        self.issues = issues
        self.generation = generation
        self.durationMS = durationMS
        self.phasesMS = phasesMS
    }

    /// Every published view.
    public var views: [String] { sources.values.flatMap { $0 }.sorted() }
}

/// A problem found while rebuilding; it affects only what it names.
public struct RebuildIssue: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The source directory name.
    public var source: String
    /// The table, when the problem concerns one.
    public var table: String?
    /// What is wrong.
    public var message: String

    /// Creates an issue.
    public init(source: String, table: String? = nil, message: String) {
        self.source = source
        self.table = table
        self.message = message
    }

    public var description: String {
        table.map { "\(source).\($0): \(message)" } ?? "\(source): \(message)"
    }
}

/// Measures consecutive phases of a piece of work.
struct PhaseClock: Sendable {
    private let start = ContinuousClock.now
    private var last = ContinuousClock.now
    private(set) var phases: [String: Int] = [:]

    mutating func lap(_ name: String) {
        let now = ContinuousClock.now
        phases[name, default: 0] += (now - last).milliseconds
        last = now
    }

    mutating func merge(_ other: [String: Int]) {
        phases.merge(other, uniquingKeysWith: +)
        last = ContinuousClock.now
    }

    var totalMS: Int { (ContinuousClock.now - start).milliseconds }
}
