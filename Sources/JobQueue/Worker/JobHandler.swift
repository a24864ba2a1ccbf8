/// Runs the jobs of one kind.
///
/// Handlers must be idempotent: a worker killed after the handler's effect but before the
/// completion is recorded leaves the job to run again elsewhere once its lease ends.
/// Throwing fails the attempt (retried with backoff until `maxAttempts`);
/// ``PermanentJobError`` makes the job dead at once. A handler that runs past ``timeout`` is
/// cancelled and the attempt counts as failed, so honour task cancellation.
public protocol JobHandler: Sendable {
    /// The kind of job this handler runs, e.g. `"case.route"`.
    var kind: String { get }
    /// How long one attempt may run. Default 60 s.
    var timeout: Duration { get }
    /// Runs one attempt.
    func run(_ job: Job) async throws -> JobOutcome
}

extension JobHandler {
    public var timeout: Duration { .seconds(60) }
}

/// What a handler asks for when it returns.
public enum JobOutcome: Sendable, Equatable {
    /// Done: the job leaves the queue.
    case completed
    /// Run again after this long, without counting this attempt against `maxAttempts`.
    case snooze(Duration)
}

/// A handler made from a closure.
public struct ClosureJobHandler: JobHandler {
    public let kind: String
    public let timeout: Duration
    private let body: @Sendable (Job) async throws -> JobOutcome

    public init(kind: String, timeout: Duration = .seconds(60), _ body: @escaping @Sendable (Job) async throws -> JobOutcome) {
        self.kind = kind
        self.timeout = timeout
        self.body = body
    }

    public func run(_ job: Job) async throws -> JobOutcome { try await body(job) }
}

/// Diagnostic handlers every civicq worker has.
public enum DiagnosticJobs {
    /// `queue.noop`: does nothing. For benchmarks and smoke tests.
    public static let noop = ClosureJobHandler(kind: "queue.noop") { _ in .completed }

    /// `queue.sleep`: sleeps for `{"ms": N}` milliseconds (honouring cancellation). For
    /// testing drains and shutdowns.
    public static let sleep = ClosureJobHandler(kind: "queue.sleep", timeout: .seconds(600)) { job in
        struct Arguments: Decodable { let ms: Int }
        let arguments = try job.decodePayload(Arguments.self)
        try await Task.sleep(for: .milliseconds(arguments.ms))
        return .completed
    }
}

/// A handler that runs the jobs of its kind a batch at a time: one claim's worth, in one call,
/// so it can read and write them with a few set-based statements instead of a few per job.
///
/// The worker still leases, times out and settles each job on its own: the result array has
/// one entry per job, in order. Throwing fails every job of the batch.
public protocol JobBatchHandler: JobHandler {
    /// At most this many jobs per call. Default 100.
    var batchSize: Int { get }
    /// Runs one attempt of each job.
    func run(batch: [Job]) async throws -> [Result<JobOutcome, any Error>]
}

extension JobBatchHandler {
    public var batchSize: Int { 100 }

    public func run(_ job: Job) async throws -> JobOutcome {
        let results = try await run(batch: [job])
        guard let first = results.first else { throw JobQueueError.invalidRequest("a batch handler returned no result") }
        return try first.get()
    }
}
