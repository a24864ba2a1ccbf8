/// The listener's connection life as a pure state machine (a value type that returns the
/// action to take, as postgres-nio's state machines do). ``PostgresListener``'s thread feeds it
/// what happened and does what it says; `ListenerStateMachineTests` tests it without a
/// database.
///
/// ```
/// start ─▶ connecting ──listening──▶ listening ──lost──▶ connecting (at once) ──listening──▶ listening (reconnected)
///              │                         │
///              └─failed─▶ backingOff ─▶ connecting (50 ms, doubling to 5 s; reset once listening)
/// any ──stop──▶ stopped
/// ```
struct ListenerStateMachine: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case idle
        case connecting
        case listening
        case backingOff(Duration)
        case stopped
    }

    /// What the listener's thread does next.
    enum Action: Sendable, Equatable {
        /// Open a connection and LISTEN on every channel.
        case connect
        /// Report `event` to the consumer, then deliver notifications until the connection
        /// ends or the listener stops.
        case announce(PostgresListener.Event)
        /// Report the failure, then wait `delay` (waking early on stop) before connecting again.
        case reportAndWait(PostgresError, delay: Duration)
        /// Report the loss and connect again at once.
        case reportAndReconnect(PostgresError)
        /// Close the connection and finish the events.
        case finish
        /// Nothing to do.
        case none
    }

    private(set) var state: State = .idle
    /// Whether a LISTEN has been in place once: a later one is a reconnection.
    private(set) var hasListened = false
    private var backoff: Duration = Self.firstBackoff

    static let firstBackoff: Duration = .milliseconds(50)
    static let maxBackoff: Duration = .seconds(5)

    mutating func start() -> Action {
        guard state == .idle else { return .none }
        state = .connecting
        return .connect
    }

    /// The connection is open and every LISTEN is in place.
    mutating func listening() -> Action {
        guard state == .connecting else { return .none }
        state = .listening
        backoff = Self.firstBackoff
        defer { hasListened = true }
        return .announce(hasListened ? .reconnected : .listening)
    }

    /// Connecting or listening failed before the LISTEN was in place.
    mutating func connectFailed(_ error: PostgresError) -> Action {
        guard state == .connecting else { return .none }
        let delay = backoff
        state = .backingOff(delay)
        backoff = min(backoff * 2, Self.maxBackoff)
        return .reportAndWait(error, delay: delay)
    }

    /// The backoff has passed.
    mutating func backoffEnded() -> Action {
        guard case .backingOff = state else { return .none }
        state = .connecting
        return .connect
    }

    /// A listening connection was lost (terminated, or silent past the health check).
    mutating func connectionLost() -> Action {
        guard state == .listening else { return .none }
        state = .connecting
        hasListened = true
        return .reportAndReconnect(PostgresError(code: .connectionLost, reason: "the listener's connection was lost"))
    }

    /// Shutdown was asked for.
    mutating func stop() -> Action {
        guard state != .stopped else { return .none }
        state = .stopped
        return .finish
    }
}
