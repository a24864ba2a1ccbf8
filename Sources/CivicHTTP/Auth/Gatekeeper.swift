import HTTPTypes

/// Admits a request by its API key: checks the key, then takes a token from its rate limit.
///
/// `Sendable`: both parts are.
public struct Gatekeeper: Sendable {
    public let authenticator: APIKeyAuthenticator
    public let limiter: RateLimiter

    public init(authenticator: APIKeyAuthenticator, limiter: RateLimiter = RateLimiter()) {
        self.authenticator = authenticator
        self.limiter = limiter
    }

    /// The intake system the key `text` belongs to.
    /// - Throws: ``Problem`` 401 for a key that is not valid, 429 (with `Retry-After`) when the
    ///   key is over its rate.
    public func admit(_ text: String) async throws -> IntakeClient {
        guard let client = try await authenticator.authenticate(text) else {
            throw Problem(.unauthorized, detail: "the API key is not valid or has been revoked", headers: [.wwwAuthenticate: "Bearer"])
        }
        if let wait = limiter.take(key: client.keyID, ratePerSecond: client.ratePerSecond, burst: client.burst) {
            let seconds = max(1, Int((Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18).rounded(.up)))
            throw Problem(
                .tooManyRequests, detail: "this API key is over its rate of \(client.ratePerSecond) requests a second",
                headers: [.retryAfter: String(seconds)])
        }
        return client
    }
}
