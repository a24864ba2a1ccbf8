public import Foundation
public import Postgres

/// A job as a handler receives it: claimed, with its attempt counted. Value type; any thread.
public struct Job: Sendable, Equatable {
    public let id: Int64
    public let kind: String
    public let queue: String
    /// This attempt's number, from 1.
    public let attempt: Int
    public let maxAttempts: Int
    public let priority: Int
    public let payload: PostgresJSONB
    public let createdAt: Date

    public init(id: Int64, kind: String, queue: String, attempt: Int, maxAttempts: Int, priority: Int, payload: PostgresJSONB, createdAt: Date) {
        self.id = id
        self.kind = kind
        self.queue = queue
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.priority = priority
        self.payload = payload
        self.createdAt = createdAt
    }

    /// Decodes the payload.
    public func decodePayload<T: Decodable>(_ type: T.Type) throws -> T {
        try payload.decode(type)
    }
}

/// The states a job row can be in. Completed jobs are deleted, so there is no `completed`.
public enum JobState: String, Sendable, CaseIterable, PostgresDecodable {
    case scheduled, available, running, dead, cancelled

    public init(postgresCell cell: PostgresCell) throws {
        guard let state = JobState(rawValue: cell.string) else {
            throw PostgresError(code: .decodingFailed, reason: "unknown job state")
        }
        self = state
    }
}

/// A job to enqueue. Value type; any thread.
public struct JobRequest: Sendable, Equatable {
    /// Which handler runs it.
    public var kind: String
    /// The queue it waits in. Default `"default"`.
    public var queue: String
    /// Arguments for the handler.
    public var payload: PostgresJSONB
    /// Lower runs first. Default 0.
    public var priority: Int16
    /// Not before this time. Default `nil`: now.
    public var runAt: Date?
    /// Attempts before the job is dead. Default 20.
    public var maxAttempts: Int
    /// At most one live (scheduled, available or running) job per key; a second enqueue
    /// returns the first. Default `nil`.
    public var uniqueKey: String?

    /// The defaults, which are also the `jobs` table's column defaults (migration 002): an
    /// enqueue leaves a value equal to its default to the table.
    public static let defaultQueue = "default"
    public static let defaultPayload = PostgresJSONB(text: "{}")
    public static let defaultPriority: Int16 = 0
    public static let defaultMaxAttempts = 20

    public init(
        kind: String, queue: String = defaultQueue, payload: PostgresJSONB = defaultPayload,
        priority: Int16 = defaultPriority, runAt: Date? = nil, maxAttempts: Int = defaultMaxAttempts, uniqueKey: String? = nil
    ) {
        self.kind = kind
        self.queue = queue
        self.payload = payload
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.uniqueKey = uniqueKey
    }

    /// A request whose payload is an encodable value.
    public init<P: Encodable>(
        kind: String, queue: String = defaultQueue, payload: P, priority: Int16 = defaultPriority, runAt: Date? = nil,
        maxAttempts: Int = defaultMaxAttempts, uniqueKey: String? = nil
    ) throws {
        self.init(
            kind: kind, queue: queue, payload: try PostgresJSONB(encoding: payload), priority: priority,
            runAt: runAt, maxAttempts: maxAttempts, uniqueKey: uniqueKey)
    }

    /// Whether `text` has at most `limit` characters as PostgreSQL's `length` counts them
    /// (code points); the code points are counted only when the bytes do not already tell,
    /// since this runs for every job enqueued.
    private static func fits(_ text: String, _ limit: Int) -> Bool {
        text.utf8.count <= limit || text.unicodeScalars.count <= limit
    }

    /// Checks what the database would refuse, with a sentence per problem.
    func validate() throws {
        guard !kind.isEmpty, Self.fits(kind, 128) else { throw JobQueueError.invalidRequest("kind must be 1 to 128 characters") }
        guard !queue.isEmpty, Self.fits(queue, 64) else { throw JobQueueError.invalidRequest("queue must be 1 to 64 characters") }
        guard maxAttempts >= 1 else { throw JobQueueError.invalidRequest("maxAttempts must be at least 1") }
    }
}

/// What enqueueing returned: the job's id, and whether it is new or an existing job with the
/// same unique key.
public struct EnqueuedJob: Sendable, Equatable {
    public let id: Int64
    /// False when a live job with the same unique key already existed; `id` is that job's.
    public let inserted: Bool

    public init(id: Int64, inserted: Bool) {
        self.id = id
        self.inserted = inserted
    }
}
