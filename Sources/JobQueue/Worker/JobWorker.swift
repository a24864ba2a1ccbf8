public import Logging
public import Postgres
public import ServiceLifecycle
import CoreMetrics
import Foundation
import Synchronization

/// Runs jobs from PostgreSQL: claims them in batches, runs their handlers concurrently,
/// renews their leases, records their outcomes in batches, and looks after the table.
///
/// **Threading contract.** `Sendable`; run it as a `Service` in a `ServiceGroup` (or call
/// ``run()`` from a task). Handlers run as Swift tasks; every database call goes through the
/// ``PostgresClient``'s connection threads, never blocking the cooperative pool.
///
/// **Shutdown.** On graceful shutdown (SIGTERM/SIGINT through the `ServiceGroup`, or
/// ``shutdownGracefully()``) it stops claiming, lets running jobs finish for up to
/// ``Configuration/gracePeriod``, cancels and releases the rest for other workers (their
/// attempt not counted), records every outcome and returns. If it is killed instead, its
/// jobs' leases run out and any worker's maintenance puts them back.
public final class JobWorker: Sendable, Service {
    public let configuration: Configuration
    let client: PostgresClient
    let store: JobStore
    let handlers: [String: any JobHandler]
    let logger: Logger
    let listener: PostgresListener?
    var metrics: JobMetrics { store.metrics }
    let state = Mutex(State())
    /// Work may be waiting (a NOTIFY, a reconnect, staging, shutdown).
    let wake = WakeSignal()
    /// A running job finished (a slot is free), or shutdown began.
    let slots = WakeSignal()
    /// Outcomes wait to be recorded.
    let settleSignal = WakeSignal()
    /// The background loops should look again (shutdown).
    let background = WakeSignal()
    /// What the worker is ready for (``readiness``).
    let readinessSignal = ReadinessSignal()

    struct Running {
        let job: Job
        let deadline: ContinuousClock.Instant
        var task: Task<Void, Never>?
        var timedOut = false
        var leaseLost = false
        var releasing = false
    }

    struct Pending {
        let settlement: JobSettlement
        let kind: String
        let dead: Bool
    }

    struct State {
        var running: [Int64: Running] = [:]
        var pending: [Pending] = []
        var stopping = false
        var finished = false
    }

    /// - Parameters:
    ///   - client: the pool the worker uses; give it at least 3 connections (claims, outcomes,
    ///     leases and maintenance run side by side).
    ///   - handlers: one per job kind.
    ///   - listens: wake on NOTIFY (a listener connection of its own); false polls only, for
    ///     transaction-mode poolers. Default true.
    public init(
        client: PostgresClient, store: JobStore, handlers: [any JobHandler], configuration: Configuration = Configuration(),
        listens: Bool = true, logger: Logger
    ) {
        self.client = client
        self.store = store
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker"] = .string(configuration.workerID)
        self.logger = logger
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { _, last in last })
        self.listener = listens
            ? PostgresListener(configuration: client.configuration.connection, channels: [store.channel], logger: logger) : nil
    }

    /// Jobs running now.
    public var runningCount: Int { state.withLock { $0.running.count } }

    /// Whether it listens, has looked for work and found none, or has stopped.
    public var readiness: WorkerReadiness { readinessSignal.value }

    /// Waits until the worker's readiness satisfies `condition` (returns at once if it does
    /// now): true, or false after `timeout` or when the task is cancelled.
    public func waitUntil(timeout: Duration = .seconds(30), _ condition: @escaping @Sendable (WorkerReadiness) -> Bool) async -> Bool {
        await readinessSignal.wait(timeout: timeout, until: condition)
    }

    /// Begins a graceful shutdown, as SIGTERM does under a `ServiceGroup`.
    public func shutdownGracefully() {
        state.withLock { $0.stopping = true }
        wake.notify()
        slots.notify()
    }

    public func run() async throws {
        logger.info("worker starting", metadata: ["queues": "\(configuration.queues)", "concurrency": "\(configuration.concurrency)"])
        listener?.start()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    if let listener { group.addTask { await self.listenLoop(listener) } }
                    group.addTask { await self.heartbeatLoop() }
                    group.addTask { await self.settleLoop() }
                    group.addTask { await self.maintenanceLoop() }
                    group.addTask { await self.presenceLoop() }
                    await self.claimLoop()
                    await self.drain()
                    self.state.withLock { $0.finished = true }
                    self.settleSignal.notify()
                    self.background.notify()
                    self.listener?.shutdown()
                    self.readinessSignal.update {
                        $0.drained = true
                        $0.listening = false
                        $0.idle = false
                    }
                }
            } onGracefulShutdown: {
                self.shutdownGracefully()
            }
        } onCancel: {
            self.shutdownGracefully()
        }
        logger.info("worker stopped")
    }

    var isStopping: Bool { state.withLock { $0.stopping } }
    var isFinished: Bool { state.withLock { $0.finished } }

    // MARK: Claiming

    private func claimLoop() async {
        let clock = ContinuousClock()
        var lastStaging = clock.now - configuration.pollInterval
        var firstQueue = 0
        // Under load slots free up one at a time; claiming each alone would cost a statement per
        // job. Below a quarter of a batch, wait once (5 ms at most) for more slots to free up.
        let lowWater = max(1, min(configuration.claimBatch, configuration.concurrency) / 4)
        var deferred = false
        while !isStopping {
            let running = runningCount
            let free = configuration.concurrency - running
            if free <= 0 {
                await slots.wait()
                continue
            }
            if free < lowWater, running > 0, !deferred {
                deferred = true
                await slots.wait(timeout: .milliseconds(5))
                continue
            }
            deferred = false
            let queues = configuration.queues
            let start = firstQueue
            firstQueue = (firstQueue + 1) % queues.count
            let limit = min(free, configuration.claimBatch)
            let listensAtStart = readinessSignal.value.listens
            let began = clock.now
            let claimed: [Job]
            do {
                claimed = try await client.withConnection { [store, configuration] connection in
                    var jobs: [Job] = []
                    for offset in 0..<queues.count where jobs.count < limit {
                        let queue = queues[(start + offset) % queues.count]
                        jobs += try store.claim(
                            queue: queue, limit: limit - jobs.count, lease: configuration.lease, worker: configuration.workerID, on: connection)
                    }
                    return jobs
                }
            } catch {
                logger.error("claiming failed; retrying", metadata: ["error": "\(error)"])
                await wake.wait(timeout: configuration.pollInterval)
                continue
            }
            metrics.claimDuration.recordNanoseconds((clock.now - began).wholeNanoseconds)
            launchAll(claimed)
            let nothingToDo = claimed.isEmpty && runningCount == 0
            readinessSignal.update {
                $0.passes += 1
                $0.idle = nothingToDo
                if nothingToDo { $0.sweptAfterListen = listensAtStart }
            }
            // Scheduled jobs fall due whether or not the queue is busy: stage them now and then.
            let idle = claimed.count < limit
            if idle || clock.now - lastStaging >= configuration.pollInterval {
                lastStaging = clock.now
                if let staging = try? await client.withConnection({ [store] in try store.stageDue(on: $0) }) {
                    if staging.staged > 0 { continue }
                    if idle { await wake.wait(timeout: untilNextLook(nextDue: staging.nextDue)) }
                } else if idle {
                    await wake.wait(timeout: configuration.pollInterval)
                }
            }
        }
    }

    /// The poll interval, or less when a scheduled job falls due sooner.
    private func untilNextLook(nextDue: Date?) -> Duration {
        guard let nextDue else { return configuration.pollInterval }
        let seconds = max(0, nextDue.timeIntervalSinceNow)
        return min(configuration.pollInterval, .milliseconds(Int64(seconds * 1000) + 1))
    }

    /// Queues outcomes for the settle loop, together: it records what has accumulated in one statement.
    func enqueueOutcomes(_ outcomes: [(Job, JobSettlement.Result)]) {
        let pending = outcomes.map { job, result in
            // The lifecycle decides whether a failure ends the job; the settle statement applies
            // the decision (a dead job goes as a permanent failure).
            var result = result
            var dead = false
            if case .failed(let error, let retryAfter, let permanent) = result {
                dead = JobLifecycle.isDeadAfterFailure(attempt: job.attempt, maxAttempts: job.maxAttempts, permanent: permanent)
                result = .failed(error: error, retryAfter: retryAfter, permanent: dead)
            }
            return Pending(settlement: JobSettlement(id: job.id, attempt: job.attempt, result: result), kind: job.kind, dead: dead)
        }
        state.withLock { $0.pending.append(contentsOf: pending) }
        settleSignal.notify()
    }

    /// A safe, bounded text for `last_error`: our errors' descriptions carry no personal data.
    static func describe(_ error: any Error) -> String {
        let text = "\(type(of: error)): \(error)"
        return text.count > 1000 ? String(text.prefix(1000)) + "…" : text
    }

    // MARK: Shutdown

    private func drain() async {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.gracePeriod
        // A cancelled worker (a hard stop) gives no grace period: its waits would return at once.
        while runningCount > 0, clock.now < deadline, !Task.isCancelled {
            await slots.wait(timeout: deadline - clock.now)
        }
        let tasks = state.withLock { state -> [Task<Void, Never>] in
            for id in state.running.keys { state.running[id]?.releasing = true }
            return state.running.values.compactMap(\.task)
        }
        guard !tasks.isEmpty else { return }
        logger.warning("grace period over; cancelling and releasing running jobs", metadata: ["jobs": "\(tasks.count)"])
        for task in tasks { task.cancel() }
        let giveUp = clock.now + .seconds(5)
        while runningCount > 0, clock.now < giveUp {
            if Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(10))
            } else {
                await slots.wait(timeout: giveUp - clock.now)
            }
        }
    }
}
