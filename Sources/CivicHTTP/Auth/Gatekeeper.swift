import HTTPTypes

/// Admits a request by its API key: refuses an address with too many failed keys, checks the
/// key, then takes a token from its rate limit.
///
/// `Sendable`: its parts are.
public struct Gatekeeper: Sendable {
    public let authenticator: APIKeyAuthenticator
    public let limiter: RateLimiter
    public let failures: AuthFailureLimiter

    public init(authenticator: APIKeyAuthenticator, limiter: RateLimiter = RateLimiter(), failures: AuthFailureLimiter = AuthFailureLimiter(limit: 20)) {
        self.authenticator = authenticator
        self.limiter = limiter
        self.failures = failures
    }

    /// The intake system the key `text` belongs to, for a request from `address`.
    /// - Throws: ``Problem`` 429 (with `Retry-After`) when the address has failed too often
    ///   this minute or the key is over its rate, 401 for a key that is not valid.
    public func admit(_ text: String, from address: String?) async throws -> IntakeClient {
        if let address, let wait = failures.blocked(address) {
            throw Problem(
                .tooManyRequests, detail: "too many invalid API keys from this address; try again later",
                headers: [.retryAfter: String(Self.seconds(wait))])
        }
        guard let client = try await authenticator.authenticate(text) else {
            if let address { failures.recordFailure(address) }
            throw Problem(.unauthorized, detail: "the API key is not valid or has been revoked", headers: [.wwwAuthenticate: "Bearer"])
        }
        if let wait = limiter.take(key: client.keyID, ratePerSecond: client.ratePerSecond, burst: client.burst) {
            throw Problem(
                .tooManyRequests, detail: "this API key is over its rate of \(client.ratePerSecond) requests a second",
                headers: [.retryAfter: String(Self.seconds(wait))])
        }
        return client
    }

    /// Whole seconds for `Retry-After`, at least 1.
    static func seconds(_ wait: Duration) -> Int {
        max(1, Int((Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18).rounded(.up)))
    }
}
