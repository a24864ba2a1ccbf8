/// What an API key may do: one of its scopes, or all of them when it names none.
public enum APIScope: String, Sendable, CaseIterable, Codable {
    /// Submit and withdraw cases (`POST /v1/cases`, `:batch`, `withdraw`).
    case casesWrite = "cases:write"
    /// Read the intake system's own cases and their events.
    case casesRead = "cases:read"
    /// Record callbacks the intake system ran itself.
    case callbacksWrite = "callbacks:write"
    /// Submit service requests over Open311.
    case open311Write = "open311:write"
    /// Read the dashboard (`/dashboard`). Only keys that name it: an intake key with every
    /// scope does not see the office's figures.
    case dashboardRead = "dashboard:read"

    /// Held only by keys that name it, not by keys with every scope.
    public var isExplicit: Bool { self == .dashboardRead }
}

/// An intake system, as its API key identifies it.
public struct IntakeClient: Sendable, Equatable {
    public let keyID: Int64
    /// The source name its cases are stored under.
    public let source: String
    /// Empty: every scope.
    public let scopes: Set<APIScope>
    public let ratePerSecond: Int
    public let burst: Int

    public init(keyID: Int64, source: String, scopes: Set<APIScope>, ratePerSecond: Int, burst: Int) {
        self.keyID = keyID
        self.source = source
        self.scopes = scopes
        self.ratePerSecond = ratePerSecond
        self.burst = burst
    }

    public func may(_ scope: APIScope) -> Bool { scopes.contains(scope) || scopes.isEmpty && !scope.isExplicit }
}
