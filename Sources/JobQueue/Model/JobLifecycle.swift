/// The job lifecycle as a pure state machine: from the state a job is in and what happened to
/// it, the state it moves to. The SQL that moves jobs is driven by it (the worker decides each
/// outcome here and the settle statement applies that decision, guarded by the job's id,
/// attempt and running state); `JobLifecycleTests` tests it without a database.
///
/// ```
/// enqueue ─▶ scheduled ──falls due──▶ available ──claim──▶ running ──complete──▶ (deleted)
///              ▲  ▲                     ▲   ▲                │ │ │
///              │  └── fail (backoff) ───┼───┼────────────────┘ │ └─ fail, attempts used up ─▶ dead
///              └───── snooze ───────────┘   └─ release, lease expired ┘        (or permanent)
/// dead ──retry──▶ available        dead, cancelled ──discard──▶ (deleted)
/// scheduled, available, running ──cancel──▶ cancelled
/// ```
public enum JobLifecycle {
    /// What happens to a job.
    public enum Event: Sendable, Equatable {
        /// Enqueued to run after `delay` (zero: now).
        case enqueued(delay: Duration)
        /// A scheduled job's run time came (staging).
        case fellDue
        /// A worker claimed it: this attempt counts.
        case claimed
        /// Its handler finished.
        case completed
        /// Its handler failed on attempt `attempt` of `maxAttempts`.
        case failed(attempt: Int, maxAttempts: Int, permanent: Bool, retryAfter: Duration)
        /// Its handler asked to run again after a while; the attempt does not count.
        case snoozed(Duration)
        /// Its worker gave it back unrun (shutting down); the attempt does not count.
        case released
        /// Its worker stopped renewing the lease (rescue) on attempt `attempt` of `maxAttempts`.
        case leaseExpired(attempt: Int, maxAttempts: Int)
        /// An operator cancelled it.
        case cancelled
        /// An operator retried a dead job.
        case retried
        /// An operator discarded a dead or cancelled job.
        case discarded
    }

    /// Where the job goes.
    public enum Next: Sendable, Equatable {
        /// To `state`, to run after `delay` when it is scheduled or available.
        case state(JobState, delay: Duration = .zero)
        /// Out of the table (completed or discarded).
        case deleted
    }

    /// The move `event` makes from `state`, or nil when it cannot happen there (an outcome for
    /// a job no longer running is refused).
    public static func next(from state: JobState?, on event: Event) -> Next? {
        switch (state, event) {
        case (nil, .enqueued(let delay)):
            return .state(delay > .zero ? .scheduled : .available, delay: delay)
        case (.scheduled, .fellDue):
            return .state(.available)
        case (.available, .claimed):
            return .state(.running)
        case (.running, .completed):
            return .deleted
        case (.running, .failed(let attempt, let maxAttempts, let permanent, let retryAfter)):
            if permanent || attempt >= maxAttempts { return .state(.dead) }
            return .state(retryAfter > .zero ? .scheduled : .available, delay: retryAfter)
        case (.running, .snoozed(let delay)):
            return .state(delay > .zero ? .scheduled : .available, delay: delay)
        case (.running, .released):
            return .state(.available)
        case (.running, .leaseExpired(let attempt, let maxAttempts)):
            return .state(attempt >= maxAttempts ? .dead : .available)
        case (.scheduled, .cancelled), (.available, .cancelled), (.running, .cancelled):
            return .state(.cancelled)
        case (.dead, .retried):
            return .state(.available)
        case (.dead, .discarded), (.cancelled, .discarded):
            return .deleted
        default:
            return nil
        }
    }

    /// Whether a failure on `attempt` of `maxAttempts` ends the job (dead).
    public static func isDeadAfterFailure(attempt: Int, maxAttempts: Int, permanent: Bool) -> Bool {
        next(from: .running, on: .failed(attempt: attempt, maxAttempts: maxAttempts, permanent: permanent, retryAfter: .zero)) == .state(.dead)
    }
}
