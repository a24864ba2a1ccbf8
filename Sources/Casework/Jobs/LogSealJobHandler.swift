public import JobQueue
public import Postgres

/// `log.seal`: one perpetual job on the `log` queue (``CaseworkStore/ensureSealJob(on:)``).
/// Each run seals the events that can no longer change, a batch per transaction, for at most
/// 20 seconds, signing checkpoints as they fall due, then pauses `log.seal_seconds` (snoozes)
/// and runs again. Only a worker given the signing key registers it.
public struct LogSealJobHandler: JobHandler {
    public let kind = CaseworkJobKind.logSeal.rawValue
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
        let (store, key) = (self.store, self.key)
        return try await CaseworkJobs.perpetual(client: client, store: store, pause: "log.seal_seconds", default: 1) {
            try store.sealLog(limit: 5_000, key: key, on: $0).sealed == 5_000
        }
    }
}
