import Foundation
public import Hummingbird

/// Reads the API key of a `/v1` request (`Authorization: Bearer KEY` or `X-API-Key: KEY`) and
/// puts the intake system in the context. A request without a key goes on unauthenticated:
/// the handler decides whether it needs one (``IntakeContext/require(_:)``).
public struct APIKeyMiddleware: RouterMiddleware {
    public typealias Context = IntakeContext
    let gatekeeper: Gatekeeper

    public init(gatekeeper: Gatekeeper) {
        self.gatekeeper = gatekeeper
    }

    @concurrent public func handle(_ request: Request, context: IntakeContext, next: @concurrent (Request, IntakeContext) async throws -> Response) async throws -> Response {
        guard let text = Self.key(in: request) else { return try await next(request, context) }
        var context = context
        context.client = try await gatekeeper.admit(text, from: context.remoteAddress)
        return try await next(request, context)
    }

    static func key(in request: Request) -> String? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        return request.headers[.init("X-API-Key")!]
    }
}
