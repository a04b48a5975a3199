import AgnesData
import HTTPTypes
import Testing

@testable import AgnesServer

/// What `/api/v2/scan` answers for the scan errors a live request cannot be made to meet: every
/// server has a generation from start-up on, and no scan SQL runs long on demand (both are met for
/// real in AgnesDataTests' ScanServiceErrorTests; this is the wire side).
@Suite struct ScanErrorAnswerTests {
    @Test func aTimeoutIs408WithWhatToDo() {
        let error = ScanRoutes.apiError(.timedOut(.seconds(60)))
        #expect(error.status == .requestTimeout)
        #expect(
            error.detail
                == "Scan timed out after 60 s and was stopped; narrow it with a WHERE predicate, fewer columns or a limit"
        )
    }

    @Test func noGenerationYetIs503() {
        let error = ScanRoutes.apiError(.notReady)
        #expect(error.status == .serviceUnavailable)
        #expect(error.detail == "The analytics database is not ready yet; try again after the first sync")
    }

    @Test func aFailedScanIs400AndSaysSo() {
        let error = ScanRoutes.apiError(.failed("Conversion Error: x"))
        #expect(error.status == .badRequest)
        #expect(error.detail == "Scan failed: Conversion Error: x")
    }
}
