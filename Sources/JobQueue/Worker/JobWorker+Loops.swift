import CoreMetrics
import Logging
import Postgres
import Synchronization

extension JobWorker {
    /// Turns NOTIFYs and reconnects into wake-ups of the claim loop.
    func listenLoop(_ listener: PostgresListener) async {
        let queues = Set(configuration.queues)
        for await event in listener.events {
            switch event {
            case .notification(let notification):
                guard queues.contains(notification.payload) else { continue }
                readinessSignal.update { $0.notifications += 1 }
                wake.notify()
            case .reconnected:
                // NOTIFY is not durable: whatever was sent meanwhile is lost, so look now.
                metrics.listenerReconnects.increment()
                readinessSignal.update { $0.listening = true; $0.listens += 1 }
                wake.notify()
            case .listening:
                readinessSignal.update { $0.listening = true; $0.listens += 1 }
                wake.notify()
            case .disconnected:
                readinessSignal.update { $0.listening = false }
            }
        }
    }

    /// Records outcomes in batches: whatever accumulated while the last batch was being written.
    func settleLoop() async {
        var failures = 0
        while true {
            let (batch, done) = state.withLock { state -> ([Pending], Bool) in
                let count = min(state.pending.count, 2000)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return (batch, state.finished && state.pending.isEmpty)
            }
            if batch.isEmpty {
                if done || Task.isCancelled { return }
                await settleSignal.wait()
                continue
            }
            if Task.isCancelled {
                // A hard stop: nothing more can be written; those jobs run again when their leases end.
                logger.warning("stopped before recording outcomes; their jobs run again when the leases end", metadata: ["jobs": "\(batch.count)"])
                return
            }
            do {
                let counts = try await client.withConnection { [store, configuration] connection in
                    try store.settle(
                        batch.map(\.settlement), worker: configuration.workerID, keepHistory: configuration.keepHistory, on: connection)
                }
                failures = 0
                countOutcomes(batch)
                if counts.refused > 0 {
                    metrics.refused.increment(by: counts.refused)
                    logger.info("outcomes refused: those jobs were no longer held", metadata: ["jobs": "\(counts.refused)"])
                }
            } catch {
                failures += 1
                logger.error("recording outcomes failed", metadata: ["error": "\(error)", "jobs": "\(batch.count)"])
                if isFinished && failures >= 3 {
                    logger.error("giving up on outcomes; their jobs run again when the leases end", metadata: ["jobs": "\(batch.count)"])
                    continue
                }
                state.withLock { $0.pending.insert(contentsOf: batch, at: 0) }
                await background.wait(timeout: .milliseconds(500))
            }
        }
    }

    private func countOutcomes(_ batch: [Pending]) {
        var completed: [String: Int] = [:]
        var failed: [String: Int] = [:]
        var dead: [String: Int] = [:]
        var snoozed: [String: Int] = [:]
        for item in batch {
            switch item.settlement.result {
            case .completed: completed[item.kind, default: 0] += 1
            case .failed: item.dead ? (dead[item.kind, default: 0] += 1) : (failed[item.kind, default: 0] += 1)
            case .snoozed: snoozed[item.kind, default: 0] += 1
            case .released: break
            }
        }
        for (kind, count) in completed { metrics.count(.completed, kind: kind, by: count) }
        for (kind, count) in failed { metrics.count(.failed, kind: kind, by: count) }
        for (kind, count) in dead { metrics.count(.dead, kind: kind, by: count) }
        for (kind, count) in snoozed { metrics.count(.snoozed, kind: kind, by: count) }
    }

    /// Cancels handlers past their timeout (checked every 100 ms) and renews leases.
    func heartbeatLoop() async {
        let clock = ContinuousClock()
        var lastRenewal = clock.now
        while !isFinished, !Task.isCancelled {
            await background.wait(timeout: .milliseconds(100))
            let now = clock.now
            let expired = state.withLock { state -> [Task<Void, Never>] in
                var tasks: [Task<Void, Never>] = []
                for (id, running) in state.running where running.deadline <= now && !running.timedOut {
                    state.running[id]?.timedOut = true
                    if let task = running.task { tasks.append(task) }
                }
                return tasks
            }
            for task in expired { task.cancel() }
            guard now - lastRenewal >= configuration.heartbeatInterval else { continue }
            lastRenewal = now
            await renewLeases()
        }
    }

    private func renewLeases() async {
        let held = state.withLock { $0.running.values.map { (id: $0.job.id, attempt: $0.job.attempt) } }
        guard !held.isEmpty else { return }
        do {
            let renewed = try await client.withConnection { [store, configuration] connection in
                try store.renewLeases(held, lease: configuration.lease, on: connection)
            }
            let lost = held.filter { !renewed.contains($0.id) }
            guard !lost.isEmpty else { return }
            logger.warning("jobs were taken back (rescued or cancelled); stopping their handlers", metadata: ["jobs": "\(lost.count)"])
            let tasks = state.withLock { state -> [Task<Void, Never>] in
                lost.compactMap { item in
                    state.running[item.id]?.leaseLost = true
                    return state.running[item.id]?.task
                }
            }
            for task in tasks { task.cancel() }
        } catch {
            logger.error("renewing leases failed", metadata: ["error": "\(error)"])
        }
    }

    /// Rescues expired leases, prunes, vacuums when needed and refreshes the gauges.
    func maintenanceLoop() async {
        guard configuration.runsMaintenance else { return }
        let clock = ContinuousClock()
        var lastPrune = clock.now
        var lastGauges = clock.now - .seconds(3600)
        while !isFinished, !Task.isCancelled {
            await background.wait(timeout: configuration.maintenanceInterval)
            if isFinished { return }
            let now = clock.now
            let prune = now - lastPrune >= .seconds(60)
            let gauges = now - lastGauges >= .seconds(10)
            if prune { lastPrune = now }
            if gauges { lastGauges = now }
            do {
                let stats = try await client.withConnection { [store, configuration] connection -> [QueueStats]? in
                    let rescued = try store.rescueExpired(on: connection)
                    if rescued.available + rescued.dead > 0 {
                        store.metrics.rescued.increment(by: rescued.available + rescued.dead)
                        logger.info(
                            "rescued jobs whose lease ran out",
                            metadata: ["available": "\(rescued.available)", "dead": "\(rescued.dead)"])
                    }
                    if prune { try store.prune(historyRetention: configuration.historyRetention, on: connection) }
                    if try store.deadTuples(on: connection) > configuration.vacuumThreshold {
                        // One process vacuums at a time; the others skip this round.
                        try connection.withAdvisoryLockIfFree("civicq-jobs-vacuum:" + store.schema) { try store.vacuum(on: connection) }
                    }
                    return gauges ? try store.stats(on: connection) : nil
                }
                if let stats { publish(stats) }
            } catch {
                logger.error("queue maintenance failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func publish(_ stats: [QueueStats]) {
        for queue in stats {
            for state in JobState.allCases {
                metrics.gauge("civicq_jobs_queue_depth", [("queue", queue.queue), ("state", state.rawValue)], Double(queue.counts[state] ?? 0))
            }
            metrics.gauge("civicq_jobs_oldest_available_seconds", [("queue", queue.queue)], queue.oldestAvailableAge ?? 0)
        }
    }
}
