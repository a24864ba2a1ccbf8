import JobQueue
import Testing

/// The job lifecycle, without a database.
@Suite("Job lifecycle state machine")
struct JobLifecycleTests {
    @Test func aJobRunsOnceAndLeaves() {
        #expect(JobLifecycle.next(from: nil, on: .enqueued(delay: .zero)) == .state(.available))
        #expect(JobLifecycle.next(from: nil, on: .enqueued(delay: .seconds(5))) == .state(.scheduled, delay: .seconds(5)))
        #expect(JobLifecycle.next(from: .scheduled, on: .fellDue) == .state(.available))
        #expect(JobLifecycle.next(from: .available, on: .claimed) == .state(.running))
        #expect(JobLifecycle.next(from: .running, on: .completed) == .deleted)
    }

    @Test(arguments: 1...4)
    func failuresRetryWithBackoffUntilTheAttemptsAreUsedUp(attempt: Int) {
        let next = JobLifecycle.next(from: .running, on: .failed(attempt: attempt, maxAttempts: 3, permanent: false, retryAfter: .seconds(2)))
        #expect(next == (attempt >= 3 ? .state(.dead) : .state(.scheduled, delay: .seconds(2))))
        #expect(JobLifecycle.next(from: .running, on: .failed(attempt: attempt, maxAttempts: 3, permanent: true, retryAfter: .seconds(2))) == .state(.dead))
        #expect(JobLifecycle.isDeadAfterFailure(attempt: attempt, maxAttempts: 3, permanent: false) == (attempt >= 3))
    }

    @Test func snoozesReleasesAndRescues() {
        #expect(JobLifecycle.next(from: .running, on: .snoozed(.seconds(60))) == .state(.scheduled, delay: .seconds(60)))
        #expect(JobLifecycle.next(from: .running, on: .snoozed(.zero)) == .state(.available))
        #expect(JobLifecycle.next(from: .running, on: .released) == .state(.available))
        #expect(JobLifecycle.next(from: .running, on: .leaseExpired(attempt: 2, maxAttempts: 3)) == .state(.available))
        #expect(JobLifecycle.next(from: .running, on: .leaseExpired(attempt: 3, maxAttempts: 3)) == .state(.dead))
    }

    @Test func operatorsRetryDiscardAndCancel() {
        #expect(JobLifecycle.next(from: .dead, on: .retried) == .state(.available))
        #expect(JobLifecycle.next(from: .dead, on: .discarded) == .deleted)
        #expect(JobLifecycle.next(from: .cancelled, on: .discarded) == .deleted)
        for state in [JobState.scheduled, .available, .running] {
            #expect(JobLifecycle.next(from: state, on: .cancelled) == .state(.cancelled))
        }
    }

    /// An outcome for a job that is not running (its lease was lost, it was rescued or
    /// cancelled) is refused, as the settle statement's guard refuses it.
    @Test(arguments: [JobState.scheduled, .available, .dead, .cancelled])
    func outcomesForJobsNotRunningAreRefused(state: JobState) {
        for event in [JobLifecycle.Event.completed, .released, .snoozed(.seconds(1)),
                      .failed(attempt: 1, maxAttempts: 3, permanent: false, retryAfter: .zero), .leaseExpired(attempt: 1, maxAttempts: 3)] {
            #expect(JobLifecycle.next(from: state, on: event) == nil, "\(event) from \(state)")
        }
        #expect(JobLifecycle.next(from: state, on: .claimed) == (state == .available ? .state(.running) : nil))
    }
}
