import AgnesConnectors
import AgnesCore
import AgnesFakes
import AgnesIntelligence
import AgnesStore
import Crypto
import Foundation
import Logging
import Synchronization

/// `agnes-bench detector DIR [SESSIONS] [TURNS]`: the verification detector over SESSIONS uploaded
/// transcripts of TURNS turns each, against the fake LLM (two verifications per session, a contradiction
/// check for each new item). The LLM's time (every call, timed around the client) is subtracted: what is
/// left is our own work (reading, hashing, parsing and fencing transcripts, ids, duplicate candidates,
/// the store's writes), in sessions per second, next to the floor of only reading and hashing the files.
enum DetectorBench {
    /// Times every call of the client it wraps.
    final class TimedClient: LLMClient {
        let inner: any LLMClient
        private let spent = Mutex<Duration>(.zero)

        init(_ inner: any LLMClient) { self.inner = inner }

        var model: String { inner.model }
        var time: Duration { spent.withLock { $0 } }

        func extractJSON(_ request: LLMRequest) async throws -> LLMAnswer {
            let began = ContinuousClock.now
            defer { spent.withLock { $0 += ContinuousClock.now - began } }
            return try await inner.extractJSON(request)
        }
    }

    static func run(_ arguments: [String]) async throws {
        guard let path = arguments.first else {
            throw BenchFailure("usage: agnes-bench detector DIR [SESSIONS] [TURNS]")
        }
        let count = arguments.count > 1 ? Int(arguments[1]) ?? 200 : 200
        let turns = arguments.count > 2 ? Int(arguments[2]) ?? 60 : 60
        let root = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: root)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try await SystemStore.open(dataDirectory: root.path, logger: logger)
        let user = try await DuckDBUserRepository(store: store).create(User(id: "u-ana", email: "ana@example.com"))
        let sessions = root.appendingPathComponent("user_sessions/\(user.id)")
        try FileManager.default.createDirectory(at: sessions, withIntermediateDirectories: true)
        for number in 0..<count {
            var lines: [String] = []
            for turn in 0..<turns {
                let role = turn % 2 == 0 ? "user" : "assistant"
                let text =
                    turn == 0
                    ? "marker-\(number): what was revenue in region \(number % 17) last quarter?"
                    : String(repeating: "Revenue by region, net of VAT and returns, per quarter. ", count: 4)
                let event: [String: Any] = ["type": role, "message": ["role": role, "content": text]]
                lines.append(String(decoding: try JSONSerialization.data(withJSONObject: event), as: UTF8.self))
            }
            try Data(lines.joined(separator: "\n").utf8).write(
                to: sessions.appendingPathComponent(String(format: "session-%05d.jsonl", number)))
        }

        let llm = await FakeLLM.start()
        defer { Task { await llm.stop() } }
        let domains = ["finance", "engineering", "product", "data", "operations", "infrastructure"]
        llm.answer("You read a conversation") { _, user in
            let number = user.range(of: "marker-").map { Int(user[$0.upperBound...].prefix { $0.isNumber }) ?? 0 } ?? 0
            let domain = domains[number % domains.count]
            func verification(_ kind: String, _ index: Int) -> String {
                #"{"detection_type":"\#(kind)","title":"Rule \#(number).\#(index) on revenue","content":"Revenue in region \#(number % 17) is reported net of VAT (\#(index)).","user_quote":"net of VAT","domain":"\#(domain)","entities":["revenue","vat","region \#(number % 17)"]}"#
            }
            return
                #"{"verifications":[\#(verification("correction", 1)),\#(verification("unprompted_definition", 2))]}"#
        }
        llm.answer("Judge for each existing item B", with: #"{"judgments":[]}"#)
        let client = TimedClient(
            AnthropicClient(
                baseURL: llm.baseURL, apiKey: llm.apiKey, model: llm.model,
                retry: RetryPolicy(maxAttempts: 1, sleep: { _ in })))
        let detector = VerificationDetector(client: client, store: store, root: root, logger: logger)

        // The floor: reading and hashing every file, which any detector must do.
        let floorStarted = ContinuousClock.now
        var bytes = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: sessions.path) {
            let data = try Data(contentsOf: sessions.appendingPathComponent(name))
            bytes += data.count
            _ = Insecure.MD5.hash(data: data)
        }
        let floor = ContinuousClock.now - floorStarted

        let started = ContinuousClock.now
        let stats = try await detector.run()
        let total = ContinuousClock.now - started
        let ours = total - client.time
        let again = ContinuousClock.now
        let second = try await detector.run()
        let rerun = ContinuousClock.now - again
        guard stats.sessionsProcessed == count, stats.errors == 0, second.sessionsSkipped == count else {
            throw BenchFailure("the detector did not process every session: \(stats); again: \(second)")
        }
        func rate(_ duration: Duration) -> String {
            String(format: "%.0f sessions/s", Double(count) / max(JiraBench.seconds(duration), 1e-9))
        }
        print(
            "Verification detector (\(count) sessions of \(turns) turns, \(bytes / 1024) KB; \(stats.usage.calls) LLM calls, \(stats.itemsCreated) items, \(stats.duplicateCandidatesRecorded) duplicate candidates)"
        )
        print("  the whole run                       \(JiraBench.ms(total))  \(rate(total))")
        print("  of it in the LLM (fake, timed)      \(JiraBench.ms(client.time))")
        print("  our own work (run − LLM)            \(JiraBench.ms(ours))  \(rate(ours))")
        print("  a second run (all unchanged)        \(JiraBench.ms(rerun))  \(rate(rerun))")
        print("  floor: read + MD5 every file        \(JiraBench.ms(floor))  \(rate(floor))")
        try? FileManager.default.removeItem(at: root)
    }
}
