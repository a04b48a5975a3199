import Foundation

/// The `corporate_memory` section (REFERENCE §6.2, §8.1): how new knowledge is published.
public struct CorporateMemorySettings: Sendable, Hashable {
    /// What happens to an item the collector extracts.
    public enum ApprovalMode: String, Sendable, Hashable {
        /// Pending until an admin approves it.
        case reviewQueue = "review_queue"
        /// Approved at once.
        case autoPublish = "auto_publish"
        /// Pending (a confidence threshold is not part of the original's collector either).
        case threshold
    }

    /// True when the section exists; without it new items are approved (the original's behaviour).
    public var isConfigured: Bool
    public var approvalMode: ApprovalMode

    /// Creates settings: no section.
    public init(isConfigured: Bool = false, approvalMode: ApprovalMode = .reviewQueue) {
        self.isConfigured = isConfigured
        self.approvalMode = approvalMode
    }

    /// Whether a new item starts approved.
    public var publishesAtOnce: Bool { !isConfigured || approvalMode == .autoPublish }

    init(config: ConfigReader) throws(ConfigError) {
        guard try config.object(at: ["corporate_memory"]) != nil else {
            self.init()
            return
        }
        let text = try config.string(at: ["corporate_memory", "approval_mode"]) ?? "review_queue"
        guard let mode = ApprovalMode(rawValue: text) else {
            throw .invalidValue(
                file: config.file(for: ["corporate_memory", "approval_mode"]), key: "corporate_memory.approval_mode",
                expected: "review_queue, auto_publish or threshold", got: .string(text))
        }
        self.init(isConfigured: true, approvalMode: mode)
    }
}
