import CoreMetrics
import Synchronization

/// A metrics backend that counts completed jobs (the durable outcome: the counter moves after
/// the completion commits) and discards everything else, so measuring costs next to nothing.
final class CompletionCounter: MetricsFactory, CounterHandler {
    private let completed = Atomic<Int>(0)

    var value: Int { completed.load(ordering: .relaxed) }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        label == "civicq_jobs_completed_total" ? self : NOOPMetricsHandler.instance
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { NOOPMetricsHandler.instance }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    func increment(by amount: Int64) { completed.add(Int(amount), ordering: .relaxed) }
    func reset() { completed.store(0, ordering: .relaxed) }
}
