public import Postgres

/// The queue's common calls for code that has a pool rather than an open connection.
/// Each call is one unit of work on one pooled connection.
///
/// `Sendable`; call it from any task.
public struct JobQueueClient: Sendable {
    public let client: PostgresClient
    public let store: JobStore

    public init(client: PostgresClient, store: JobStore) {
        self.client = client
        self.store = store
    }

    /// Enqueues one job. See ``JobStore/enqueue(_:on:)-(JobRequest,_)``.
    @discardableResult
    public func enqueue(_ request: JobRequest) async throws -> EnqueuedJob {
        try await client.withConnection { [store] in try store.enqueue(request, on: $0) }
    }

    /// Enqueues many jobs in one statement.
    @discardableResult
    public func enqueue(_ requests: [JobRequest]) async throws -> [EnqueuedJob] {
        try await client.withConnection { [store] in try store.enqueue(requests, on: $0) }
    }

    public func stats() async throws -> [QueueStats] {
        try await client.withConnection { [store] in try store.stats(on: $0) }
    }

    public func deadJobs(limit: Int = 100) async throws -> [DeadJob] {
        try await client.withConnection { [store] in try store.deadJobs(limit: limit, on: $0) }
    }

    public func retryDead(ids: [Int64]?) async throws -> [Int64] {
        try await client.withConnection { [store] in try store.retryDead(ids: ids, on: $0) }
    }

    public func discardDead(ids: [Int64]?) async throws -> [Int64] {
        try await client.withConnection { [store] in try store.discardDead(ids: ids, on: $0) }
    }

    public func cancel(ids: [Int64]) async throws -> [Int64] {
        try await client.withConnection { [store] in try store.cancel(ids: ids, on: $0) }
    }
}
