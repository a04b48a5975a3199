import AgnesCore
import AgnesServer
import AgnesTestSupport
import Testing

/// `agnes serve` raises the open-file limit, and says so when it still cannot hold the connection cap.
@Suite struct OpenFileLimitTests {
    @Test func aCapAboveTheLimitIsReportedAndAFittingOneIsNot() {
        let recorder = LogRecorder()
        let limit = OpenFileLimit.raise(for: HTTPLimits(maxConnections: 16), logger: recorder.logger)
        #expect(limit >= 16 + 256)
        #expect(recorder.warnings.isEmpty)
        OpenFileLimit.raise(for: HTTPLimits(maxConnections: Int(clamping: limit)), logger: recorder.logger)
        #expect(recorder.warnings.count == 1)
        #expect(recorder.warnings.first?.contains("below server.http.max_connections") == true)
    }
}
