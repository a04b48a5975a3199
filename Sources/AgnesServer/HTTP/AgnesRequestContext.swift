import Hummingbird
import Logging
import NIOCore

/// The per-request context: Hummingbird's core storage plus Agnes's request id.
public struct AgnesRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request id echoed in `x-request-id` (sanitised incoming value, or a new one).
    public var requestID: String
    /// The socket peer's IP address (nil for Unix sockets and the router test framework); read it
    /// through ``ClientAddressResolver``, which also honours trusted proxies.
    public var remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = RequestIDMiddleware.newID()
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Uploads are streamed by the routes that take them; everything else is small JSON.
    public var maxUploadSize: Int { 2 * 1024 * 1024 }
}
