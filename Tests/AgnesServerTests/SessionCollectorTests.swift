import AgnesCore
import AgnesJobs
import AgnesServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The session collector (`SESSION_HOME_DIR`) through `POST /api/admin/run-session-collector`: analysts'
/// transcripts copied once to where the verification detector reads, never through a link, never from
/// system accounts or homes without exactly one user.
struct SessionCollectorTests {
    /// Writes `text` at `path` under `home`, owned by `uid`.
    static func write(_ text: String, _ path: String, in home: URL, uid: UInt32) throws {
        let url = home.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        var directory = url.deletingLastPathComponent()
        while directory.path.count > home.path.count {
            chown(directory.path, uid, uid)
            directory.deleteLastPathComponent()
        }
        chown(url.path, uid, uid)
    }

    @Test func withoutAHomeDirectoryTheJobIsNotConfigured() async throws {
        let fixture = try await ServerFixture()
        let root = try await fixture.admin()
        #expect(fixture.services.scheduler.jobs.first { $0.name == "session-collector" }?.state == "not configured")
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(.post, "/api/admin/run-session-collector", as: root.token)
            #expect(reply.status == .serviceUnavailable && reply.detail?.contains("SESSION_HOME_DIR") == true)
        }
    }

    @Test func transcriptsAreCopiedOnceAndAgainWhenTheyGrow() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-homes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try Self.write("{\"type\":\"user\"}\n", "ana/user/sessions/s1.jsonl", in: home, uid: 1001)
        try Self.write("notes", "ana/user/sessions/notes.txt", in: home, uid: 1001)
        try Self.write("hidden", "ana/user/sessions/.draft.jsonl", in: home, uid: 1001)
        try FileManager.default.createSymbolicLink(
            atPath: home.appendingPathComponent("ana/user/sessions/s2.jsonl").path, withDestinationPath: "/etc/passwd")
        // Over the 50 MB limit (sparse: nothing is written): skipped, never read.
        try Self.write("", "ana/user/sessions/huge.jsonl", in: home, uid: 1001)
        let huge = try FileHandle(forWritingTo: home.appendingPathComponent("ana/user/sessions/huge.jsonl"))
        try huge.truncate(atOffset: 51 * 1024 * 1024)
        try huge.close()
        try Self.write("{}", "daemon/user/sessions/d.jsonl", in: home, uid: 1)
        try Self.write("{}", "ghost/user/sessions/g.jsonl", in: home, uid: 1002)
        try Self.write("{}", "bob/user/sessions/b.jsonl", in: home, uid: 1003)
        // bob's sessions directory is a link to someone else's: not followed.
        try FileManager.default.removeItem(at: home.appendingPathComponent("bob/user/sessions"))
        try FileManager.default.createSymbolicLink(
            atPath: home.appendingPathComponent("bob/user/sessions").path,
            withDestinationPath: home.appendingPathComponent("ana/user/sessions").path)
        let fixture = try await ServerFixture(settings: { root in
            AgnesSettings(dataDir: root, environment: ["SESSION_HOME_DIR": home.path])
        })
        let root = try await fixture.admin()
        let ana = try await fixture.analyst("ana@example.com")
        _ = try await fixture.analyst("bob@example.com")
        let copies = URL(fileURLWithPath: fixture.services.settings.dataDir)
            .appendingPathComponent("user_sessions/\(ana.id)")
        try await fixture.application.test(.router) { client in
            func run() async throws -> [String: Any] {
                let reply = try await client.call(.post, "/api/admin/run-session-collector", as: root.token)
                #expect(reply.status == .ok && reply.object["ok"] as? Bool == true, "\(reply.object)")
                return reply.object["details"] as? [String: Any] ?? [:]
            }
            let first = try await run()
            #expect(first["homes_scanned"] as? Int == 3, "\(first)")  // ana, ghost, bob (daemon is a system account)
            #expect(first["homes_unmatched"] as? Int == 1 && first["files_found"] as? Int == 3, "\(first)")
            #expect(first["files_copied"] as? Int == 1 && first["files_skipped"] as? Int == 2, "\(first)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: copies.path) == ["s1.jsonl"])
            #expect(try String(contentsOf: copies.appendingPathComponent("s1.jsonl"), encoding: .utf8).contains("user"))
            let mode =
                try FileManager.default.attributesOfItem(atPath: copies.appendingPathComponent("s1.jsonl").path)[
                    .posixPermissions] as? Int
            #expect(mode == 0o660)

            let second = try await run()
            #expect(second["files_unchanged"] as? Int == 1 && second["files_copied"] as? Int == 0, "\(second)")
            // The session went on: the transcript grew, and is copied again.
            try Self.write(
                "{\"type\":\"user\"}\n{\"type\":\"assistant\"}\n", "ana/user/sessions/s1.jsonl", in: home, uid: 1001)
            let third = try await run()
            #expect(third["files_updated"] as? Int == 1, "\(third)")
            #expect(
                try String(contentsOf: copies.appendingPathComponent("s1.jsonl"), encoding: .utf8).contains("assistant")
            )
            let jobs = try await client.call(.get, "/api/admin/scheduler/jobs", as: root.token)
            let job = (jobs.object["jobs"] as? [[String: Any]] ?? []).first {
                $0["name"] as? String == "session-collector"
            }
            #expect(job?["state"] as? String == "ready" && job?["last_status"] as? String == "ok", "\(job ?? [:])")
        }
    }

    @Test func aHomeDirectoryThatCannotBeListedStopsTheRun() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agnes-no-homes-\(UUID().uuidString)")
        let fixture = try await ServerFixture(settings: { root in
            AgnesSettings(dataDir: root, environment: ["SESSION_HOME_DIR": missing.path])
        })
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(.post, "/api/admin/run-session-collector", as: root.token)
            #expect(reply.status == .badGateway && reply.object["ok"] as? Bool == false)
            #expect((reply.object["detail"] as? String)?.contains("cannot be listed") == true, "\(reply.object)")
        }
    }
}
