import Foundation
import Synchronization

// Starting claimed jobs and turning what their handlers did into outcomes.
extension JobWorker {
    /// Starts the claimed jobs: batch handlers get their kind's jobs together, in chunks of
    /// their batch size; every other job runs on its own.
    func launchAll(_ jobs: [Job]) {
        var batches: [String: [Job]] = [:]
        for job in jobs {
            if handlers[job.kind] is any JobBatchHandler {
                batches[job.kind, default: []].append(job)
            } else {
                launch(job)
            }
        }
        for (kind, group) in batches {
            guard let handler = handlers[kind] as? any JobBatchHandler else { continue }
            let size = max(1, handler.batchSize)
            for start in stride(from: 0, to: group.count, by: size) {
                launchBatch(Array(group[start..<min(start + size, group.count)]), handler)
            }
        }
    }

    func launch(_ job: Job) {
        guard let handler = handlers[job.kind] else {
            let failure = JobSettlement.Result.failed(
                error: "no handler for kind \(job.kind) in worker \(configuration.workerID)",
                retryAfter: configuration.retry.delay(afterAttempt: job.attempt), permanent: false)
            enqueueOutcomes([(job, failure)])
            return
        }
        let deadline = ContinuousClock.now + handler.timeout
        state.withLock { $0.running[job.id] = Running(job: job, deadline: deadline) }
        let task = Task { await self.execute(job, handler) }
        state.withLock { state in
            if state.running[job.id] != nil { state.running[job.id]?.task = task }
        }
    }

    fileprivate func launchBatch(_ jobs: [Job], _ handler: any JobBatchHandler) {
        let deadline = ContinuousClock.now + handler.timeout
        state.withLock { state in
            for job in jobs { state.running[job.id] = Running(job: job, deadline: deadline) }
        }
        let task = Task { await self.executeBatch(jobs, handler) }
        state.withLock { state in
            for job in jobs where state.running[job.id] != nil { state.running[job.id]?.task = task }
        }
    }

    fileprivate func execute(_ job: Job, _ handler: any JobHandler) async {
        let clock = ContinuousClock()
        let began = clock.now
        let result: JobSettlement.Result
        do {
            result = Self.settlement(of: try await handler.run(job))
        } catch {
            result = settlement(of: error, job: job, timeout: handler.timeout)
        }
        metrics.recordRun(kind: job.kind, duration: clock.now - began)
        finish(job, result)
    }

    fileprivate func executeBatch(_ jobs: [Job], _ handler: any JobBatchHandler) async {
        let clock = ContinuousClock()
        let began = clock.now
        var results: [JobSettlement.Result]
        do {
            let outcomes = try await handler.run(batch: jobs)
            guard outcomes.count == jobs.count else {
                throw JobQueueError.invalidRequest("batch handler \(handler.kind) returned \(outcomes.count) results for \(jobs.count) jobs")
            }
            results = zip(jobs, outcomes).map { job, outcome in
                switch outcome {
                case .success(let outcome): Self.settlement(of: outcome)
                case .failure(let error): settlement(of: error, job: job, timeout: handler.timeout)
                }
            }
        } catch {
            results = jobs.map { settlement(of: error, job: $0, timeout: handler.timeout) }
        }
        let elapsed = clock.now - began
        for job in jobs { metrics.recordRun(kind: job.kind, duration: elapsed / jobs.count) }
        finish(Array(zip(jobs, results)))
    }

    fileprivate static func settlement(of outcome: JobOutcome) -> JobSettlement.Result {
        switch outcome {
        case .completed: .completed
        case .snooze(let delay): .snoozed(delay)
        }
    }

    /// What a failed attempt becomes: released (shutdown), timed out, dead, or retried.
    fileprivate func settlement(of error: any Error, job: Job, timeout: Duration) -> JobSettlement.Result {
        let flags = state.withLock { ($0.running[job.id]?.timedOut ?? false, $0.running[job.id]?.releasing ?? false) }
        if flags.1 { return .released }
        if flags.0 {
            return .failed(error: "timed out after \(timeout)", retryAfter: configuration.retry.delay(afterAttempt: job.attempt), permanent: false)
        }
        if let permanent = error as? PermanentJobError {
            return .failed(error: permanent.reason, retryAfter: .zero, permanent: true)
        }
        return .failed(error: Self.describe(error), retryAfter: configuration.retry.delay(afterAttempt: job.attempt), permanent: false)
    }

    fileprivate func finish(_ job: Job, _ result: JobSettlement.Result) {
        finish([(job, result)])
    }

    /// Frees the jobs' slots together, so the claim loop sees a batch's slots at once and
    /// claims a batch's worth again (one at a time, it would wake for each and claim a few).
    fileprivate func finish(_ finished: [(Job, JobSettlement.Result)]) {
        state.withLock { state in
            for (job, _) in finished { state.running.removeValue(forKey: job.id) }
        }
        enqueueOutcomes(finished)
        slots.notify()
    }
}
