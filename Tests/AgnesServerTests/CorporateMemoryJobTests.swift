import AgnesCore
import AgnesFakes
import AgnesIntelligence
import AgnesJobs
import AgnesServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The corporate-memory job through the scheduler and `POST /api/admin/run-corporate-memory`.
struct CorporateMemoryJobTests {
    @Test func withoutAnLLMTheJobSaysSoAndTheRouteAnswers500() async throws {
        let fixture = try await ServerFixture()
        let root = try await fixture.admin()
        #expect(fixture.services.scheduler.jobs.first { $0.name == "corporate-memory" }?.state == "not configured")
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(.post, "/api/admin/run-corporate-memory", as: root.token)
            #expect(reply.status == .internalServerError && reply.detail?.contains("ANTHROPIC_API_KEY") == true)
            let detector = try await client.call(.post, "/api/admin/run-verification-detector", as: root.token)
            #expect(detector.status == .internalServerError && detector.detail?.contains("ANTHROPIC_API_KEY") == true)
            let analyst = try await fixture.analyst()
            #expect(
                try await client.call(.post, "/api/admin/run-corporate-memory", as: analyst.token).status == .forbidden)
        }
    }

    @Test func uploadedNotesBecomeItemsThroughTheRunNowRoute() async throws {
        let llm = await FakeLLM.start()
        defer { Task { await llm.stop() } }
        llm.answer(
            "You curate",
            with:
                #"{"items":[{"existing_id":null,"title":"Revenue is net of VAT","content":"Report revenue net of VAT.","category":"business_logic","tags":["revenue","finance"],"source_users":["ana@example.com"]}]}"#
        )
        llm.answer("safe to share", with: #"{"safe":true,"reason":"fine"}"#)
        llm.answer("Tag a knowledge item", with: #"{"tags":["metrics"]}"#)
        let fixture = try await ServerFixture(settings: { root in
            AgnesSettings(dataDir: root, llm: LLMSettings(apiKey: llm.apiKey, baseURL: llm.baseURL))
        })
        let root = try await fixture.admin()
        let ana = try await fixture.analyst("ana@example.com")
        try await fixture.application.test(.router) { client in
            let upload = try await client.call(
                .post, "/api/upload/local-md", as: ana.token, body: ["content": "Revenue is always net of VAT."])
            #expect(upload.status == .ok, "\(upload.object)")
            let run = try await client.call(.post, "/api/admin/run-corporate-memory", as: root.token)
            #expect(run.status == .ok && run.object["ok"] as? Bool == true, "\(run.object)")
            let details = run.object["details"] as? [String: Any]
            #expect(details?["items_new"] as? Int == 1 && details?["files_found"] as? Int == 1)
            #expect((details?["usage"] as? [String: Any])?["calls"] as? Int == 3)
            let again = try await client.call(.post, "/api/admin/run-corporate-memory", as: root.token)
            #expect((again.object["details"] as? [String: Any])?["skipped"] as? Int == 1)
            let jobs = try await client.call(.get, "/api/admin/scheduler/jobs", as: root.token)
            let job = (jobs.object["jobs"] as? [[String: Any]] ?? []).first {
                $0["name"] as? String == "corporate-memory"
            }
            #expect(job?["state"] as? String == "ready" && job?["last_status"] as? String == "ok", "\(job ?? [:])")
            #expect(fixture.services.llmUsage.usage(of: "corporate-memory").calls == 3)
            // The LLM failing stops the run: 502 with the reason, and the run is recorded as failed.
            let changed = try await client.call(
                .post, "/api/upload/local-md", as: ana.token, body: ["content": "Changed."])
            #expect(changed.status == .ok)
            llm.inject(.status(401, type: "authentication_error"))
            let failed = try await client.call(.post, "/api/admin/run-corporate-memory", as: root.token)
            #expect(failed.status == .badGateway && (failed.object["detail"] as? String)?.contains("auth") == true)
        }
    }

    @Test func theDetectorRunsThroughItsRoute() async throws {
        let llm = await FakeLLM.start()
        defer { Task { await llm.stop() } }
        llm.answer("You read a conversation", with: #"{"verifications":[]}"#)
        let fixture = try await ServerFixture(settings: { root in
            AgnesSettings(dataDir: root, llm: LLMSettings(apiKey: llm.apiKey, baseURL: llm.baseURL))
        })
        let root = try await fixture.admin()
        let sessions = fixture.root.appendingPathComponent("user_sessions/\(root.id)")
        try FileManager.default.createDirectory(at: sessions, withIntermediateDirectories: true)
        try Data(#"{"type":"user","message":{"role":"user","content":"hello"}}"#.utf8)
            .write(to: sessions.appendingPathComponent("a.jsonl"))
        try await fixture.application.test(.router) { client in
            let run = try await client.call(.post, "/api/admin/run-verification-detector", as: root.token)
            #expect(run.status == .ok && run.object["ok"] as? Bool == true, "\(run.object)")
            #expect((run.object["details"] as? [String: Any])?["sessions_processed"] as? Int == 1)
        }
        #expect(fixture.services.llmUsage.usage(of: "verification-detector").calls == 1)
    }
}
