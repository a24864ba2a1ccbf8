/// An error of the job queue with a safe description. Value type; any thread.
public struct JobQueueError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// A job request is malformed; nothing was stored.
        public static let invalidRequest = Code("invalidRequest")
        public var description: String { name }
    }

    public let code: Code
    public let reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    static func invalidRequest(_ reason: String) -> JobQueueError { JobQueueError(code: .invalidRequest, reason: reason) }

    public var description: String { "job queue \(code): \(reason)" }
}

/// Thrown by a handler to fail a job for good: it becomes dead at once, with no retry.
/// Use it when running the job again cannot help (the payload is invalid, say).
public struct PermanentJobError: Error, Sendable, CustomStringConvertible {
    /// A safe sentence, stored with the job.
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
