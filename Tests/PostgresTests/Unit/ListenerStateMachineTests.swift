@testable import Postgres
import Testing

/// The listener's connection life, without a database: what the thread is told to do after
/// each thing that happens.
@Suite("Listener state machine")
struct ListenerStateMachineTests {
    static let refused = PostgresError(code: .connectionFailed, reason: "refused")

    @Test func listensThenReconnectsAtOnceAfterALoss() {
        var machine = ListenerStateMachine()
        #expect(machine.start() == .connect)
        #expect(machine.start() == .none)
        #expect(machine.listening() == .announce(.listening))
        guard case .reportAndReconnect(let error) = machine.connectionLost() else {
            Issue.record("a loss reconnects at once")
            return
        }
        #expect(error.code == .connectionLost)
        #expect(machine.state == .connecting)
        // Back: a reconnection, so the consumer catches up on what it missed.
        #expect(machine.listening() == .announce(.reconnected))
    }

    @Test func failuresBackOffDoublingToFiveSecondsAndResetOnceListening() {
        var machine = ListenerStateMachine()
        _ = machine.start()
        var delays: [Duration] = []
        for _ in 0..<9 {
            guard case .reportAndWait(_, let delay) = machine.connectFailed(Self.refused) else {
                Issue.record("a failed connect waits")
                return
            }
            delays.append(delay)
            #expect(machine.backoffEnded() == .connect)
        }
        #expect(delays == [50, 100, 200, 400, 800, 1600, 3200, 5000, 5000].map { Duration.milliseconds($0) })
        #expect(machine.listening() == .announce(.listening))
        _ = machine.connectionLost()
        #expect(machine.connectFailed(Self.refused) == .reportAndWait(Self.refused, delay: .milliseconds(50)))
    }

    @Test func eventsOutOfTurnChangeNothingAndStopIsFinal() {
        var machine = ListenerStateMachine()
        #expect(machine.listening() == .none)
        #expect(machine.connectionLost() == .none)
        #expect(machine.backoffEnded() == .none)
        _ = machine.start()
        #expect(machine.connectionLost() == .none)  // not listening yet: a failure is connectFailed
        #expect(machine.stop() == .finish)
        #expect(machine.stop() == .none)
        #expect(machine.start() == .none)
        #expect(machine.listening() == .none)
        #expect(machine.state == .stopped)
    }
}
