public import Casework
public import JobQueue
public import Postgres

/// One reading of the database for the operators: the queue, the workers and what they run,
/// and the casework snapshot. `/metrics` (cached for a few seconds) and `civicq top` (each
/// refresh) take it the same way.
public struct OperationsReading: Sendable {
    public var queues: [QueueStats]
    public var workers: [WorkerPresence]
    public var running: [RunningJobs]
    public var snapshot: OperationsSnapshot
    /// Seconds the reading took.
    public var seconds: Double

    /// Reads everything on one pooled connection.
    public static func read(client: PostgresClient, schema: String) async throws -> OperationsReading {
        let start = ContinuousClock.now
        var reading = try await client.withConnection { connection in
            let jobs = JobStore(schema: schema)
            return OperationsReading(
                queues: try jobs.stats(on: connection), workers: try jobs.liveWorkers(on: connection),
                running: try jobs.runningJobs(on: connection), snapshot: try CaseworkStore(schema: schema).operations(on: connection),
                seconds: 0)
        }
        reading.seconds = (ContinuousClock.now - start).seconds
        return reading
    }
}
