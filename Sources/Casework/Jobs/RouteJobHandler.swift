import Foundation
public import JobQueue
public import Postgres
import Synchronization

/// `case.route`: routes new and returned cases, a claimed batch at a time: one read of the
/// cases, the rules in memory, one call that applies every decision (tasks, events, clocks,
/// webhooks). With `duplicates.auto_merge` on, exact repeats of a live case are merged into it
/// first (``CaseworkStore/mergeExactRepeats(_:scorer:on:)``). The rules, calendar and policies are cached and reloaded when a new rule set is
/// imported or after ``reloadInterval``. With `dispatch.auto_threshold` set (off by default), a
/// case the rules would send to the desk goes to the dispatch model's first choice when it is
/// likely enough (``ModelDispatcher``); the model is loaded once per version and only then.
///
/// `Sendable`: the caches are behind `Mutex`es.
public final class RouteJobHandler: JobBatchHandler {
    public let kind = CaseworkJobKind.route.rawValue
    public let batchSize: Int
    public let reloadInterval: Duration
    let client: PostgresClient
    let store: CaseworkStore
    private let cache = Mutex<CaseworkStore.Context?>(nil)
    private let dispatcherCache = Mutex<ModelDispatcher?>(nil)

    public init(client: PostgresClient, store: CaseworkStore, batchSize: Int = 500, reloadInterval: Duration = .seconds(10)) {
        self.client = client
        self.store = store
        self.batchSize = batchSize
        self.reloadInterval = reloadInterval
    }


    public func run(batch: [Job]) async throws -> [Result<JobOutcome, any Error>] {
        var ids: [Int64] = []
        var results = [Result<JobOutcome, any Error>](repeating: .success(.completed), count: batch.count)
        for (index, job) in batch.enumerated() {
            do {
                ids.append(try CasePayload(job).case)
            } catch {
                results[index] = .failure(PermanentJobError("the payload has no case id"))
            }
        }
        let cached = cache.withLock { $0 }
        let cachedDispatcher = dispatcherCache.withLock { $0 }
        let (context, dispatcher) = try await client.withConnection {
            [store, reloadInterval, ids] connection -> (CaseworkStore.Context, ModelDispatcher?) in
            let context: CaseworkStore.Context
            if let cached, ContinuousClock.now - cached.loadedAt < reloadInterval,
               try cached.router.version == store.currentRuleVersion(on: connection)
            {
                context = cached
            } else {
                context = try store.loadContext(on: connection)
            }
            var cases = try store.routingCases(ids: ids, on: connection)
            // Exact repeats of a live case join it instead of being routed (off by default).
            if context.autoMerge {
                let fresh = cases.filter { $0.state == .received }.map(\.id)
                let merged = Set(try store.mergeExactRepeats(fresh, scorer: context.duplicates, on: connection).map(\.0))
                cases.removeAll { merged.contains($0.id) }
            }
            var dispatcher: ModelDispatcher?
            if let threshold = context.autoDispatchThreshold, let version = try store.dispatchModelVersionInUse(on: connection) {
                dispatcher = if let cachedDispatcher, cachedDispatcher.version == version, cachedDispatcher.threshold == threshold
                { cachedDispatcher } else { try store.modelDispatcher(threshold: threshold, on: connection) }
            }
            let applications = cases.filter { $0.state == .received || $0.state == .returned }.map { routed in
                let decision = context.router.route(routed.input)
                if let (byModel, note) = dispatcher?.decide(routed.input, after: decision, context: context) {
                    return RouteApplication(routed, byModel, context: context, model: note)
                }
                return RouteApplication(routed, decision, context: context)
            }
            try store.applyRoutes(applications, on: connection)
            return (context, dispatcher)
        }
        cache.withLock { $0 = context }
        dispatcherCache.withLock { $0 = dispatcher }
        return results
    }
}
