import Foundation

/// A serial executor that runs its jobs on one dedicated OS thread.
///
/// Actors that own a libpq connection use it as their executor, so that (1) the compiler's
/// actor isolation guarantees one caller at a time, as libpq requires, and (2) the blocking
/// calls run on this thread and never on Swift's cooperative pool or a NIO event loop.
///
/// `@unchecked Sendable`: its mutable state (the job queue and the stop flag) is read and
/// written only while holding `condition`'s lock; the thread is the only consumer of jobs.
final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    /// Starts the thread. It runs until ``shutdown()`` and the queue is empty.
    init(name: String) {
        let thread = Thread { [self] in
            ThreadName.setCurrent(name)
            self.runLoop()
        }
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread finish the jobs it has and exit.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
