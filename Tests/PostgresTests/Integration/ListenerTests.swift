import Foundation
import Postgres
import TestSupport
import Testing

@Suite("LISTEN/NOTIFY (PostgreSQL)")
struct ListenerTests {
    /// Reads events until one matches, failing after `timeout`.
    private func next(
        _ iterator: inout AsyncStream<PostgresListener.Event>.Iterator,
        within timeout: Duration = .seconds(10),
        where match: (PostgresListener.Event) -> Bool
    ) async throws -> PostgresListener.Event {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let event = await iterator.next(isolation: #isolation) else { throw TestSetupError(message: "the event stream ended") }
            if match(event) { return event }
        }
        throw TestSetupError(message: "no matching event within \(timeout)")
    }

    @Test("notifications arrive; after the listener's backend is killed it reconnects, says so, and receives again; shutdown ends the stream")
    func deliveryReconnectShutdown() async throws {
        let channel = TestDatabase.uniqueName("wake")
        let appName = TestDatabase.uniqueName("listener")
        let listener = PostgresListener(
            configuration: try TestDatabase.configuration(applicationName: appName), channels: [channel], logger: TestDatabase.logger)
        let client = PostgresClient(configuration: .init(connection: try TestDatabase.configuration(), size: 1), logger: TestDatabase.logger)
        listener.start()
        var events = listener.events.makeAsyncIterator()
        _ = try await next(&events) { $0 == .listening }

        try await client.withConnection { try $0.query("SELECT pg_notify(\(channel), \("第1号 case"))") }
        let first = try await next(&events) { if case .notification = $0 { true } else { false } }
        guard case .notification(let notification) = first else { return }
        #expect(notification.channel == channel)
        #expect(notification.payload == "第1号 case")

        let killed = try await client.withConnection { connection in
            try connection.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(appName)").count
        }
        #expect(killed == 1)
        _ = try await next(&events) { $0 == .reconnected }

        try await client.withConnection { try $0.query("SELECT pg_notify(\(channel), \("after"))") }
        let second = try await next(&events) { if case .notification = $0 { true } else { false } }
        #expect(second == .notification(PostgresNotification(channel: channel, payload: "after", senderPID: notification.senderPID)))

        listener.shutdown()
        while let _ = await events.next(isolation: #isolation) {}  // the stream finishes
        // The listener closed its connection: the server's backend goes away.
        #expect(try await TestDatabase.eventually {
            try await client.withConnection { connection in
                try connection.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = \(appName)").scalar(Int.self)
            } == 0
        })
        await client.close()
    }

    @Test("a notification sent inside a transaction arrives only on commit")
    func transactional() async throws {
        let channel = TestDatabase.uniqueName("tx")
        let listener = PostgresListener(configuration: try TestDatabase.configuration(), channels: [channel], logger: TestDatabase.logger)
        let client = PostgresClient(configuration: .init(connection: try TestDatabase.configuration(), size: 1), logger: TestDatabase.logger)
        listener.start()
        var events = listener.events.makeAsyncIterator()
        _ = try await next(&events) { $0 == .listening }
        struct Abort: Error {}
        _ = try? await client.withTransaction { connection in
            try connection.query("SELECT pg_notify(\(channel), 'rolled back')")
            throw Abort()
        }
        try await client.withTransaction { try $0.query("SELECT pg_notify(\(channel), 'committed')") }
        let event = try await next(&events) { if case .notification = $0 { true } else { false } }
        guard case .notification(let notification) = event else { return }
        #expect(notification.payload == "committed")
        listener.shutdown()
        await client.close()
    }
}
