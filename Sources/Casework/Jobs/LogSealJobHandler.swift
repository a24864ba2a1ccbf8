public import JobQueue
public import Postgres

/// `log.seal`: one perpetual job on the `log` queue (``CaseworkStore/ensureSealJob(on:)``).
/// Each run seals the events that can no longer change, a batch per transaction, for at most
/// 20 seconds, signing checkpoints as they fall due, then pauses `log.seal_seconds` (snoozes)
/// and runs again. Only a worker given the signing key registers it.
public struct LogSealJobHandler: JobHandler {
    public let kind = "log.seal"
    public var timeout: Duration { .seconds(120) }
    let client: PostgresClient
    let store: CaseworkStore
    let key: LogSigningKey

    public init(client: PostgresClient, store: CaseworkStore, key: LogSigningKey) {
        self.client = client
        self.store = store
        self.key = key
    }

    public func run(_ job: Job) async throws -> JobOutcome {
        let started = ContinuousClock.now
        let batch = 5_000
        while ContinuousClock.now - started < .seconds(20) {
            try Task.checkCancellation()
            let outcome = try await client.withConnection { [store, key] in try store.sealLog(limit: batch, key: key, on: $0) }
            if outcome.sealed < batch { break }
        }
        let pause = try await client.withConnection {
            try $0.query("SELECT value #>> '{}' FROM settings WHERE key = 'log.seal_seconds'").scalar(String.self)
        }
        return .snooze(.milliseconds(Int((Double(pause ?? "1") ?? 1) * 1000)))
    }
}
