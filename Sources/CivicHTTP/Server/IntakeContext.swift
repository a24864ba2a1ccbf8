public import Hummingbird
import Logging

/// The request context of civicq's server: Hummingbird's core storage plus the intake system
/// that the request's API key identified (set by ``APIKeyMiddleware``).
public struct IntakeContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, once authenticated.
    public var client: IntakeClient?
    /// The peer's IP address (a proxy's, behind one), for limiting failed keys.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.client = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Handlers read bodies with their own limits (``BodyReader``); this is the ceiling.
    public var maxUploadSize: Int { 32 * 1024 * 1024 }

    /// The authenticated caller, who must hold `scope`.
    /// - Throws: ``Problem`` 401 without a caller, 403 without the scope.
    public func require(_ scope: APIScope) throws -> IntakeClient {
        guard let client else {
            throw Problem(.unauthorized, detail: "an API key is required", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard client.may(scope) else {
            throw Problem(.forbidden, detail: "this API key may not use \(scope.rawValue)")
        }
        return client
    }
}
