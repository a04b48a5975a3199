import Foundation

/// A Claude Code session transcript (JSONL, one event per line: `{"type": "user"|"assistant",
/// "message": {"role", "content": text or blocks}}`), read into turns for the detector. Lines that are
/// not JSON or carry no text (tool results, metadata) are skipped; the last `limit` turns are kept.
struct SessionTranscript: Sendable {
    struct Turn: Sendable, Hashable {
        var role: String
        var text: String
    }

    var turns: [Turn]

    init(jsonl: Data, limit: Int = 100) {
        var turns: [Turn] = []
        for line in jsonl.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let event = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else { continue }
            let message = event["message"] as? [String: Any]
            let role = (message?["role"] as? String) ?? (event["type"] as? String) ?? ""
            guard role == "user" || role == "assistant" else { continue }
            var text = ""
            switch message?["content"] ?? event["content"] {
            case let string as String: text = string
            case let blocks as [Any]:
                text = blocks.compactMap { block -> String? in
                    guard let block = block as? [String: Any], block["type"] as? String == "text" else { return nil }
                    return block["text"] as? String
                }.joined(separator: "\n")
            default: break
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { turns.append(Turn(role: role, text: trimmed)) }
        }
        self.turns = Array(turns.suffix(limit))
    }

    /// The turns as `<turn role="…">…</turn>` blocks, a literal `</turn>` inside escaped.
    var rendered: String {
        turns.map { turn in
            let text = turn.text.replacingOccurrences(of: "</turn>", with: "&lt;/turn>", options: .caseInsensitive)
            return "<turn role=\"\(turn.role)\">\(text)</turn>"
        }.joined(separator: "\n")
    }
}
