import Foundation

/// A user's link to a Telegram chat, for notifications.
public struct TelegramLink: Sendable, Hashable, Codable {
    /// The Agnes user.
    public var userID: String
    /// The Telegram chat id.
    public var chatID: Int64
    /// When the link was made.
    public var linkedAt: Date?

    /// Creates a link value.
    public init(userID: String, chatID: Int64, linkedAt: Date? = nil) {
        self.userID = userID
        self.chatID = chatID
        self.linkedAt = linkedAt
    }
}
