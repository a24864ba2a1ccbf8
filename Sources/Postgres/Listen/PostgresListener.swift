internal import CLibPQ
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Listens on PostgreSQL channels and delivers what arrives as an `AsyncSequence` of ``Event``s.
///
/// **Threading contract.** `Sendable`. The listener owns one connection on its own OS thread,
/// which waits in `poll()` on the connection's socket and a wake-up pipe; nothing blocks the
/// cooperative pool. Consume ``events`` from one task.
///
/// If the connection is lost (backend terminated, server restarted), the thread reconnects
/// with backoff, listens again and emits ``Event/reconnected``: NOTIFY is not durable, so the
/// consumer should catch up on whatever it may have missed. Every 30 s of silence it checks
/// the connection with a round trip, so a half-open TCP connection is noticed too.
public final class PostgresListener: Sendable, Service {
    /// What the listener reports.
    public enum Event: Sendable, Equatable {
        /// The first `LISTEN` is in place.
        case listening
        /// A notification arrived.
        case notification(PostgresNotification)
        /// The connection was lost and is back, listening again. Anything sent meanwhile was missed.
        case reconnected
        /// The connection was lost or could not be made; the listener keeps trying.
        case disconnected(PostgresError)
    }

    private struct State {
        var started = false
        var stopping = false
        var wakeRead: Int32 = -1
        var wakeWrite: Int32 = -1
    }

    /// The events, in order. Finishes after ``shutdown()``.
    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let configuration: PostgresConfiguration
    private let channels: [String]
    private let logger: Logger
    private let state = Mutex(State())
    /// Silence after which the connection is checked with a round trip.
    private let healthCheckInterval: Duration = .seconds(30)

    /// - Parameters:
    ///   - channels: the channels to `LISTEN` on.
    public init(configuration: PostgresConfiguration, channels: [String], logger: Logger) {
        self.configuration = configuration
        self.channels = channels
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
    }

    deinit {
        state.withLock { state in
            if state.wakeRead >= 0 { close(state.wakeRead) }
            if state.wakeWrite >= 0 { close(state.wakeWrite) }
        }
    }

    /// Starts the listener's thread. Calling it again does nothing.
    public func start() {
        var fds: [Int32] = [-1, -1]
        let begin = state.withLock { state -> Bool in
            guard !state.started, !state.stopping else { return false }
            guard pipe(&fds) == 0 else { return false }
            state.started = true
            state.wakeRead = fds[0]
            state.wakeWrite = fds[1]
            return true
        }
        guard begin else { return }
        let thread = Thread { [self] in
            ThreadName.setCurrent("postgres-listener")
            self.threadMain()
        }
        thread.start()
    }

    /// Stops the thread, closes its connection and finishes ``events``.
    public func shutdown() {
        let (descriptor, started) = state.withLock { state -> (Int32, Bool) in
            state.stopping = true
            return (state.wakeWrite, state.started)
        }
        if started, descriptor >= 0 {
            var byte: UInt8 = 1
            _ = write(descriptor, &byte, 1)
        } else {
            continuation.finish()
        }
    }

    /// As a `Service`: starts, runs until graceful shutdown or cancellation, then shuts down.
    public func run() async throws {
        start()
        try? await gracefulShutdown()
        shutdown()
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }
    private var wakeDescriptor: Int32 { state.withLock { $0.wakeRead } }

    // MARK: The thread

    /// Does what ``ListenerStateMachine`` says, and tells it what happened.
    private func threadMain() {
        defer { continuation.finish() }
        var machine = ListenerStateMachine()
        var action = machine.start()
        var connection: PostgresConnection?
        while true {
            if isStopping { action = machine.stop() }
            switch action {
            case .connect:
                do {
                    let fresh = try PostgresConnection(configuration: configuration, logger: logger)
                    for channel in channels { try fresh.executeScript("LISTEN \(PostgresQuery.quoteIdentifier(channel))") }
                    connection = fresh
                    action = machine.listening()
                } catch {
                    action = machine.connectFailed(error as? PostgresError ?? PostgresError(code: .connectionFailed, reason: "\(error)"))
                }
            case .announce(let event):
                continuation.yield(event)
                guard let listening = connection else { return }
                if listen(on: listening) {
                    action = machine.stop()
                } else {
                    connection = nil
                    action = machine.connectionLost()
                }
            case .reportAndWait(let failure, let delay):
                continuation.yield(.disconnected(failure))
                logger.warning("postgres listener cannot connect; retrying", metadata: ["db.error": "\(failure)"])
                action = waitForWake(timeout: delay) ? machine.stop() : machine.backoffEnded()
            case .reportAndReconnect(let failure):
                continuation.yield(.disconnected(failure))
                logger.info("postgres listener lost its connection; reconnecting")
                action = .connect
            case .finish, .none:
                return
            }
        }
    }

    /// Delivers notifications until the connection is lost (returns false) or shutdown (true).
    private func listen(on connection: PostgresConnection) -> Bool {
        let socket = PQsocket(connection.raw)
        let timeout = Int32(healthCheckInterval.wholeMilliseconds)
        while true {
            var descriptors = [
                pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, timeout)
            if ready < 0 && errno == EINTR { continue }
            if descriptors[1].revents != 0 || isStopping { return true }
            if ready == 0 {
                // Silence: make sure the connection is still there.
                if (try? connection.executeScript("SELECT 1")) == nil { return false }
            } else if PQconsumeInput(connection.raw) == 0 {
                return false
            }
            while let notify = PQnotifies(connection.raw) {
                let notification = PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    senderPID: notify.pointee.be_pid
                )
                PQfreemem(notify)
                continuation.yield(.notification(notification))
            }
            if !connection.isConnected { return false }
        }
    }

    /// Sleeps up to `timeout`, waking early on shutdown. Returns true when shutting down.
    private func waitForWake(timeout: Duration) -> Bool {
        var descriptor = pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, Int32(timeout.wholeMilliseconds))
        return isStopping
    }
}
