import Hummingbird
import Logging

/// The per-request context: Hummingbird's core storage plus Agnes's request id.
public struct AgnesRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request id echoed in `x-request-id` (sanitised incoming value, or a new one).
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = RequestIDMiddleware.newID()
    }

    /// Uploads are streamed by the routes that take them; everything else is small JSON.
    public var maxUploadSize: Int { 2 * 1024 * 1024 }
}
