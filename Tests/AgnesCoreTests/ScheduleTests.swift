import Foundation
import Testing

@testable import AgnesCore

@Suite struct ScheduleTests {
    /// 2026-12-06 10:30:00 UTC.
    static let morning = Date(timeIntervalSince1970: 1_796_553_000)

    static func at(_ hour: Int, _ minute: Int, day: Int = 0) -> Date {
        Schedule.midnight(of: morning).addingTimeInterval(Double(day * 86_400 + hour * 3600 + minute * 60))
    }

    @Test(arguments: [
        ("every 15m", "every 15m"), ("every 90m", "every 90m"), ("every 2h", "every 2h"), ("every 120m", "every 2h"),
        ("  EVERY 5M ", "every 5m"), ("daily 03:00", "daily 03:00"), ("daily 15:30,03:00,15:30", "daily 03:00,15:30"),
    ])
    func theGrammarParsesAndPrintsBack(_ text: String, _ printed: String) throws {
        #expect(try Schedule(parsing: text).description == printed)
    }

    @Test(arguments: [
        "", "every", "every 0m", "every -5m", "every 5", "every 5s", "every m", "every 1.5h", "daily", "daily 3:00",
        "daily 24:00", "daily 12:60", "daily 03:00,", "weekly 03:00", "every 15m please", "daily 0300",
    ])
    func anythingElseIsRefusedNamingTheGrammar(_ text: String) {
        let error = #expect(throws: ScheduleError.self) { try Schedule(parsing: text) }
        #expect(error?.description.contains("'\(text)'") == true)
        #expect(error?.description.contains("every <N>m") == true)
    }

    @Test func anIntervalIsDueOnceItHasPassed() throws {
        let schedule = try Schedule(parsing: "every 15m")
        #expect(schedule.isDue(lastRun: nil, now: Self.morning))
        let last = Self.at(10, 20)
        #expect(!schedule.isDue(lastRun: last, now: Self.at(10, 34)))
        #expect(schedule.isDue(lastRun: last, now: Self.at(10, 35)))
        #expect(schedule.nextRun(lastRun: last, now: Self.at(10, 30)) == Self.at(10, 35))
        #expect(schedule.nextRun(lastRun: last, now: Self.at(11, 0)) == Self.at(11, 0))
    }

    @Test func aDailyTimeIsDueOnceAfterItPassesEachDay() throws {
        let schedule = try Schedule(parsing: "daily 03:00,15:30")
        // Ran at 03:00 today: nothing more until 15:30.
        let ranEarly = Self.at(3, 1)
        #expect(!schedule.isDue(lastRun: ranEarly, now: Self.at(10, 30)))
        #expect(schedule.nextRun(lastRun: ranEarly, now: Self.at(10, 30)) == Self.at(15, 30))
        #expect(schedule.isDue(lastRun: ranEarly, now: Self.at(15, 30)))
        // Ran at 15:31: next is tomorrow's 03:00, and a server down all night runs it once on waking.
        let ranLate = Self.at(15, 31)
        #expect(schedule.nextRun(lastRun: ranLate, now: Self.at(23, 0)) == Self.at(3, 0, day: 1))
        #expect(schedule.isDue(lastRun: ranLate, now: Self.at(9, 0, day: 1)))
        #expect(!schedule.isDue(lastRun: Self.at(9, 0, day: 1), now: Self.at(9, 5, day: 1)))
    }

    @Test func secondsBecomeWholeMinutesRoundedUp() {
        #expect(Schedule(everySeconds: 900).description == "every 15m")
        #expect(Schedule(everySeconds: 30).description == "every 1m")
        #expect(Schedule(everySeconds: 61).description == "every 2m")
        #expect(Schedule(everySeconds: 7200).description == "every 2h")
    }
}

@Suite struct SchedulerSettingsTests {
    let fixture: InstanceFixture

    init() throws { fixture = try InstanceFixture() }

    @Test func theSeedsCadencesAreTheDefaults() throws {
        let settings = try fixture.load().scheduler
        #expect(settings.isEnabled)
        #expect(settings.schedule(of: "data-refresh")?.description == "every 15m")
        #expect(settings.schedule(of: "corporate-memory")?.description == "every 17m")
        #expect(settings.schedule(of: "marketplaces")?.description == "daily 03:00")
        #expect(settings.isJobEnabled("health-check"))
    }

    @Test func theFileAndTheOriginalsVariablesOverrideThem() throws {
        try fixture.writeStatic(
            """
            scheduler:
              enabled: false
              jobs:
                data-refresh: {schedule: "every 30m"}
                marketplaces: {enabled: false}
            """)
        let settings = try fixture.load(["SCHEDULER_HEALTH_CHECK_INTERVAL": "600"]).scheduler
        #expect(!settings.isEnabled)
        #expect(settings.schedule(of: "data-refresh")?.description == "every 30m")
        #expect(settings.schedule(of: "health-check")?.description == "every 10m")
        #expect(!settings.isJobEnabled("marketplaces"))
    }

    @Test(arguments: [
        ("scheduler:\n  jobs:\n    nightly-backup: {schedule: \"every 1h\"}\n", "scheduler.jobs.nightly-backup"),
        ("scheduler:\n  jobs:\n    data-refresh: {schedule: \"every 0m\"}\n", "scheduler.jobs.data-refresh.schedule"),
        ("scheduler:\n  jobs:\n    data-refresh: {enabled: maybe}\n", "scheduler.jobs.data-refresh.enabled"),
        ("scheduler:\n  enabled: 3\n", "scheduler.enabled"),
        ("sync:\n  alert_webhook_url: ftp://example.com/hook\n", "sync.alert_webhook_url"),
        ("sync:\n  connector_timeout_seconds: 0\n", "sync.connector_timeout_seconds"),
    ])
    func aBadValueRefusesStartNamingTheKey(_ yaml: String, _ key: String) throws {
        try fixture.writeStatic(yaml)
        let error = #expect(throws: ConfigError.self) { try fixture.load() }
        #expect(error?.message.contains(key) == true, "\(error?.message ?? "")")
    }

    @Test func aBadIntervalVariableIsRefused() throws {
        let error = #expect(throws: ConfigError.self) { try fixture.load(["SCHEDULER_DATA_REFRESH_INTERVAL": "soon"]) }
        #expect(error?.message.contains("SCHEDULER_DATA_REFRESH_INTERVAL") == true)
    }

    @Test func syncSettingsAreRead() throws {
        try fixture.writeStatic(
            "sync:\n  alert_webhook_url: https://hooks.example.com/agnes\n  connector_timeout_seconds: 60\n")
        let sync = try fixture.load().sync
        #expect(sync.alertWebhookURL?.absoluteString == "https://hooks.example.com/agnes")
        #expect(sync.connectorTimeoutSeconds == 60)
        #expect(sync.historyRetentionDays == 30)
    }
}
