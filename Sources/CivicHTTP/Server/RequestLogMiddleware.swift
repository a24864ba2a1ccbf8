public import Hummingbird
import Logging

/// One log line per request: method, the route's template (never the path's values or the
/// query string, which may hold ids and keys), status and milliseconds. No
/// body, no header values: nothing personal reaches the log.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    @concurrent public func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)",
            "route": "\(context.endpointPath ?? "unmatched")",
            "status": "\(response.status.code)",
            "ms": "\(Int(milliseconds.rounded()))",
        ]
        context.logger.info("request", metadata: metadata)
        return response
    }
}
