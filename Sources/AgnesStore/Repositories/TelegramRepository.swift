import AgnesCore
import Foundation

/// Links between users and Telegram chats, and the one-time codes that establish them.
public protocol TelegramRepository: Sendable {
    /// Links the user to `chatID`, replacing any earlier link of that user.
    @discardableResult
    func link(userID: String, chatID: Int64, at time: Date) async throws -> TelegramLink
    /// Removes the user's link. Returns false when there was none.
    @discardableResult
    func unlink(userID: String) async throws -> Bool
    /// The user's link.
    func link(userID: String) async throws -> TelegramLink?
    /// The link of a chat (the most recent, should several users share it).
    func link(chatID: Int64) async throws -> TelegramLink?
    /// Stores a pending verification code the bot handed to `chatID`, replacing an equal code.
    func createCode(_ code: String, chatID: Int64, at time: Date) async throws
    /// Consumes a code: deletes it and returns its chat id when it exists and was created within
    /// `maxAge` before `now`; nil otherwise. Compare-and-delete, so a code works once.
    func consumeCode(_ code: String, maxAge: TimeInterval, now: Date) async throws -> Int64?
    /// Deletes codes created before `cutoff`. Returns how many.
    @discardableResult
    func purgeCodes(createdBefore cutoff: Date) async throws -> Int
}
