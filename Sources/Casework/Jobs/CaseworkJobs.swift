import Foundation
public import JobQueue
public import Postgres

/// Every job handler of the casework, for a worker to register.
public enum CaseworkJobs {
    /// `case.route`, `case.clock`, `case.reclock`, `callback.expire`, `department.webhook` and
    /// `figures.rollup`, `hotspots.scan`, `ledger.clock` and `history.partitions`.
    public static func handlers(client: PostgresClient, store: CaseworkStore, webhookTimeout: Duration = .seconds(10)) -> [any JobHandler] {
        [
            RouteJobHandler(client: client, store: store),
            clock(client: client),
            reclock(client: client, store: store),
            callbackExpiry(client: client),
            WebhookJobHandler(client: client, timeout: webhookTimeout),
            figuresRollup(client: client, store: store),
            hotspotsScan(client: client, store: store),
            ledgerClock(client: client),
            historyPartitions(client: client, store: store),
            dispatchLearn(client: client, store: store),
        ]
    }

    /// `case.clock`: a warning or a deadline. The database decides whether it is stale (the
    /// deadline moved), met, a warning, or an escalation (督办), and schedules the case's other
    /// clock when the job carries it (`then`).
    static func clock(client: PostgresClient) -> ClosureJobHandler {
        ClosureJobHandler(kind: CaseworkJobKind.clock.rawValue) { job in
            let payload = try job.decodePayload(ClockPayload.self)
            guard payload.isWellFormed else { throw PermanentJobError("unknown clock or stage") }
            _ = try await client.withConnection { connection in
                try connection.query(
                    """
                    SELECT clock_fire(\(payload.case), \(payload.clock), \(payload.stage), \(payload.due)::timestamptz,
                                      \(payload.then?.clock), \(payload.then?.due)::timestamptz)
                    """)
            }
            return .completed
        }
    }

    /// `ledger.clock`: a ledger item's deadline. The database decides: met (closed out), early
    /// (look again in a minute), or escalated once.
    static func ledgerClock(client: PostgresClient) -> ClosureJobHandler {
        ClosureJobHandler(kind: CaseworkJobKind.ledgerClock.rawValue) { job in
            let id = try job.decodePayload(LedgerItemPayload.self).item
            let result = try await client.withConnection { try $0.query("SELECT ledger_clock_fire(\(id))").scalar(String.self) }
            return result == "early" ? .snooze(.seconds(60)) : .completed
        }
    }

    /// `case.reclock`: a reopened case gets a new resolution deadline from now, on its policy
    /// and the calendar.
    static func reclock(client: PostgresClient, store: CaseworkStore) -> ClosureJobHandler {
        ClosureJobHandler(kind: CaseworkJobKind.reclock.rawValue) { job in
            let id = try CasePayload(job).case
            try await client.withConnection { connection in
                let rows = try connection.query("SELECT coalesce(policy, 'ordinary') FROM cases WHERE id = \(id)")
                guard let name = try rows.scalar(String.self) else { return }
                // Only the policies and the calendar: not the rules, which routing loads.
                let policy = CaseworkStore.policy(named: name, in: try store.loadPolicies(on: connection))
                let due = policy.resolution.deadline(from: Date(), calendar: try store.loadCalendar(on: connection))
                try connection.execute("SELECT set_resolution_due(\(id), \(due))")
            }
            return .completed
        }
    }

    /// `callback.expire`: the callback window ended; an unanswered callback closes the case.
    static func callbackExpiry(client: PostgresClient) -> ClosureJobHandler {
        ClosureJobHandler(kind: CaseworkJobKind.callbackExpire.rawValue) { job in
            let id = try CasePayload(job).case
            let result = try await client.withConnection { try $0.query("SELECT callback_expire(\(id))").scalar(String.self) }
            // Run early (a clock skew between hosts): look again in a minute.
            return result == "early" ? .snooze(.seconds(60)) : .completed
        }
    }

    /// `figures.rollup`: one perpetual job on the `figures` queue (``CaseworkStore/ensureRollupJob(on:)``). Each run rolls up the
    /// cases whose events changed, a batch per transaction, for at most 20 seconds, then
    /// sleeps `figures.rollup_seconds` (snoozes) and runs again.
    static func figuresRollup(client: PostgresClient, store: CaseworkStore) -> ClosureJobHandler {
        ClosureJobHandler(kind: CaseworkJobKind.figuresRollup.rawValue, timeout: .seconds(120)) { _ in
            try await perpetual(client: client, store: store, pause: "figures.rollup_seconds", default: 5) {
                try store.rollUpFigures(on: $0) > 0
            }
        }
    }

    /// `hotspots.scan`: one perpetual job on the `figures` queue (``CaseworkStore/ensureHotspotJob(on:)``).
    /// Each run scans once, then sleeps `hotspots.scan_seconds`.
    static func hotspotsScan(client: PostgresClient, store: CaseworkStore) -> ClosureJobHandler {
        ClosureJobHandler(kind: CaseworkJobKind.hotspotsScan.rawValue, timeout: .seconds(120)) { _ in
            try await perpetual(client: client, store: store, pause: "hotspots.scan_seconds", default: 900) {
                try store.scanHotspots(on: $0)
                return false
            }
        }
    }

    /// `history.partitions`: one perpetual job on the `figures` queue (``CaseworkStore/ensureHistoryJob(on:)``).
    /// Each run makes the event history's partitions for this month and the months ahead that
    /// are missing (`history_partitions_ensure()`), then sleeps `history.check_seconds`.
    static func historyPartitions(client: PostgresClient, store: CaseworkStore) -> ClosureJobHandler {
        ClosureJobHandler(kind: CaseworkJobKind.historyPartitions.rawValue, timeout: .seconds(120)) { _ in
            try await perpetual(client: client, store: store, pause: "history.check_seconds", default: 3600) {
                _ = try store.ensureHistoryPartitions(on: $0)
                return false
            }
        }
    }

    /// `dispatch.learn`: one perpetual job on the `figures` queue (``CaseworkStore/ensureDispatchLearnJob(on:)``).
    /// Each run checks the model in use on the last week's finished cases (drift), then learns a
    /// new model from the last `dispatch.learn_days` days, which replaces the model in use only if
    /// it does better on the same held-out cases; then sleeps `dispatch.learn_seconds` (a week).
    /// Too small a history learns nothing. With `dispatch.learn_seconds` at 0 it does nothing
    /// and looks at the setting again in an hour.
    static func dispatchLearn(client: PostgresClient, store: CaseworkStore) -> ClosureJobHandler {
        ClosureJobHandler(kind: CaseworkJobKind.dispatchLearn.rawValue, timeout: .seconds(1800)) { _ in
            let pause = try await client.withConnection { connection -> Double in
                let pause = try store.number(setting: "dispatch.learn_seconds", default: 604_800, on: connection)
                guard pause > 0 else { return 3600 }
                // The model in use, read once for the week's check and the comparison.
                let inUse = try store.dispatchModelInUse(on: connection)
                if let inUse { try store.checkDispatchModel(inUse, on: connection) }
                let days = min(3650, max(1, try store.number(setting: "dispatch.learn_days", default: 365, on: connection)))
                let until = Date()
                let from = until.addingTimeInterval(-days * 86_400)
                let count = try store.dispatchHistoryCount(from: from, until: until, on: connection)
                guard count >= DispatchEvaluation.minimumCases else { return pause }
                do {
                    _ = try store.learnDispatchModel(from: from, until: until, count: count, store: true, against: inUse, on: connection)
                } catch let error as CaseworkError where error.code == .badInput {
                    // Too few units with enough cases: nothing to learn this time.
                }
                return pause
            }
            return .snooze(.milliseconds(Int(pause * 1000)))
        }
    }

    /// One run of a perpetual job: `step` (one transaction; true when there may be more) over
    /// and over for at most 20 seconds, then a snooze of the setting `pause` in seconds.
    static func perpetual(
        client: PostgresClient, store: CaseworkStore, pause key: String, default fallback: Double,
        _ step: @escaping @Sendable (PostgresConnection) throws -> Bool
    ) async throws -> JobOutcome {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(20) {
            try Task.checkCancellation()
            guard try await client.withConnection(step) else { break }
        }
        let pause = try await client.withConnection { try store.number(setting: key, default: fallback, on: $0) }
        return .snooze(.milliseconds(Int(pause * 1000)))
    }
}
