import HTTPTypes
import Hummingbird
import Logging

/// Renders every error as JSON `{"detail": …}` (with the request id header kept by the outer
/// middleware). Unknown errors become 500 `{"detail":"Internal server error","request_id":…}` and are
/// logged; their text never reaches the client unless `DEBUG` is set.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = AgnesRequestContext

    let exposesErrors: Bool

    /// Creates the middleware; `exposesErrors` adds the error text to 500 bodies (DEBUG only).
    public init(exposesErrors: Bool = false) { self.exposesErrors = exposesErrors }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let detail = error.body ?? error.status.reasonPhrase
            return JSONBody.response(status: error.status, object: ["detail": detail], headers: error.headers)
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            return JSONBody.response(status: error.status, object: ["detail": error.status.reasonPhrase])
        } catch {
            context.logger.error(
                "unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            var body = ["detail": "Internal server error", "request_id": context.requestID]
            if exposesErrors { body["error"] = "\(error)" }
            return JSONBody.response(status: .internalServerError, object: body)
        }
    }
}
