import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct TelegramRepositoryTests {
    @Test func linkFindAndRelink() async throws {
        let telegram = DuckDBTelegramRepository(store: try await SystemStore.inMemory())
        let link = try await telegram.link(userID: "u1", chatID: 9_000_000_001, at: FixedInstant.base)
        #expect(link == TelegramLink(userID: "u1", chatID: 9_000_000_001, linkedAt: FixedInstant.base))
        #expect(try await telegram.link(userID: "u1") == link)
        #expect(try await telegram.link(chatID: 9_000_000_001) == link)
        try await telegram.link(userID: "u1", chatID: 42, at: FixedInstant.plus(1))
        #expect(try await telegram.link(userID: "u1")?.chatID == 42)
        #expect(try await telegram.link(chatID: 9_000_000_001) == nil)
        #expect(try await telegram.link(userID: "nobody") == nil)
    }

    @Test func unlinkReportsWhetherALinkExisted() async throws {
        let telegram = DuckDBTelegramRepository(store: try await SystemStore.inMemory())
        try await telegram.link(userID: "u1", chatID: 42, at: FixedInstant.base)
        #expect(try await telegram.unlink(userID: "u1"))
        #expect(try await telegram.unlink(userID: "u1") == false)
        #expect(try await telegram.link(chatID: 42) == nil)
    }

    @Test func aCodeIsConsumedOnlyOnce() async throws {
        let telegram = DuckDBTelegramRepository(store: try await SystemStore.inMemory())
        try await telegram.createCode("123456", chatID: 42, at: FixedInstant.base)
        #expect(try await telegram.consumeCode("123456", maxAge: 600, now: FixedInstant.plus(60)) == 42)
        #expect(try await telegram.consumeCode("123456", maxAge: 600, now: FixedInstant.plus(61)) == nil)
        #expect(try await telegram.consumeCode("unknown", maxAge: 600, now: FixedInstant.plus(61)) == nil)
    }

    @Test func anExpiredCodeIsRefused() async throws {
        let telegram = DuckDBTelegramRepository(store: try await SystemStore.inMemory())
        try await telegram.createCode("123456", chatID: 42, at: FixedInstant.base)
        #expect(try await telegram.consumeCode("123456", maxAge: 600, now: FixedInstant.plus(601)) == nil)
        #expect(try await telegram.consumeCode("123456", maxAge: 600, now: FixedInstant.plus(600)) == 42)
    }

    @Test func purgeDeletesOnlyOldCodes() async throws {
        let telegram = DuckDBTelegramRepository(store: try await SystemStore.inMemory())
        try await telegram.createCode("old", chatID: 1, at: FixedInstant.base)
        try await telegram.createCode("new", chatID: 2, at: FixedInstant.plus(900))
        #expect(try await telegram.purgeCodes(createdBefore: FixedInstant.plus(600)) == 1)
        #expect(try await telegram.consumeCode("old", maxAge: 10_000, now: FixedInstant.plus(900)) == nil)
        #expect(try await telegram.consumeCode("new", maxAge: 10_000, now: FixedInstant.plus(900)) == 2)
    }
}
