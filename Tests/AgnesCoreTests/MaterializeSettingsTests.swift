import Testing

@testable import AgnesCore

/// `materialize.lock_ttl_seconds`: the TTL of a materialization's lock (REFERENCE §1.9), 60 to 604800.
@Suite struct MaterializeSettingsTests {
    let fixture: InstanceFixture

    init() throws {
        fixture = try InstanceFixture()
    }

    @Test func theLockTTLDefaultsToADayAndIsRead() throws {
        #expect(try fixture.load().keboola.materializeLockTTLSeconds == 86_400)
        try fixture.writeStatic("materialize:\n  lock_ttl_seconds: 3600\n")
        #expect(try fixture.load().keboola.materializeLockTTLSeconds == 3600)
    }

    @Test(arguments: ["30", "700000", "soon"])
    func aTTLOutsideItsRangeRefusesStart(_ value: String) throws {
        try fixture.writeStatic("materialize:\n  lock_ttl_seconds: \(value)\n")
        let error = #expect(throws: ConfigError.self) { try fixture.load() }
        #expect(error?.message.contains("materialize.lock_ttl_seconds") == true, "\(error?.message ?? "")")
    }
}
