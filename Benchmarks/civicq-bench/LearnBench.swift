import Casework
import Foundation
import Postgres

/// `civicq-bench learn`: the dispatch model (智能派单) on a generated history
/// (``DispatchHistory``): trained on `--jobs` cases (default 1,000,000), evaluated on the
/// 50,000 that follow them in time. Reports the training time, top-1 and top-3 accuracy, the
/// time of one suggestion (top three, each timed alone, p50/p99/max over 20,000), the model's
/// bytes and this process's peak resident memory. No database: the model is pure Swift.
/// Figures on generated data, not on any city's complaints.
struct LearnBench {
    let options: BenchOptions

    func run() throws {
        let history = DispatchHistory()
        let trainCount = options.jobs, holdoutCount = 50_000
        let clock = ContinuousClock()
        var started = clock.now
        let training = (0..<trainCount).map { history.example($0).example }
        let generatedHoldout = (trainCount..<trainCount + holdoutCount).map { history.example($0) }
        let holdout = generatedHoldout.map(\.example)
        // The same cases labelled with the unit each was generated for: a wrong label (5 %) is
        // random, so against the recorded labels no model reaches above about 0.95 top-3.
        let truth = generatedHoldout.map { DispatchExample(input: $0.example.input, unit: $0.truth, received: $0.example.received) }
        let generated = (clock.now - started).seconds
        let before = ProcessStats.memory(getpid(), field: "VmRSS:")

        started = clock.now
        let model = try DispatchTrainer().train(training)
        let trainSeconds = (clock.now - started).seconds
        let evaluation = DispatchEvaluation.evaluate(model, on: holdout, trained: training.count)
        let againstTruth = DispatchEvaluation.evaluate(model, on: truth, trained: training.count)

        // The stored form (dispatch_models.weights): written and read back, the same model.
        started = clock.now
        let bytes = model.storedBytes
        let encodeSeconds = (clock.now - started).seconds
        started = clock.now
        let read = try DispatchModel(units: model.units, bits: model.features.bits, storedBytes: bytes)
        let decodeSeconds = (clock.now - started).seconds
        guard read == model else { throw BenchError("the stored model read back differs") }

        var durations: [Double] = []
        durations.reserveCapacity(20_000)
        var checksum = 0.0
        for example in holdout.prefix(20_000) {
            let start = clock.now
            let top = model.suggest(example.input, count: 3)
            durations.append((clock.now - start).seconds * 1e6)
            checksum += top.first?.probability ?? 0
        }
        durations.sort()
        func quantile(_ q: Double) -> Double { durations[min(durations.count - 1, Int(Double(durations.count) * q))] }
        let peak = ProcessStats.memory(getpid(), field: "VmHWM:")
        let characters = training.prefix(100_000).reduce(0) { $0 + $1.input.title.count + $1.input.description.count } / min(100_000, max(training.count, 1))

        print("learn: \(trainCount) generated cases (\(DispatchHistory.unitCount) units, mean \(characters) characters), holdout the next \(holdoutCount); generated in \(String(format: "%.1f", generated)) s")
        print(String(format: "  training                 %8.1f s   (%d buckets x %d units)", trainSeconds, model.features.buckets, model.units.count))
        print(String(format: "  top-1 / top-3            %8.3f / %.3f against the recorded labels (5 %% wrong), %.3f / %.3f against the generated units",
                     evaluation.top1, evaluation.top3, againstTruth.top1, againstTruth.top3))
        print(String(format: "  one suggestion (top 3)   p50 %.0f µs, p99 %.0f µs, max %.0f µs over %d", quantile(0.5), quantile(0.99), durations.last ?? 0, durations.count))
        print(String(format: "  model                    %8.1f MB; process peak RSS %.0f MB (%.0f MB before training, the cases held in memory)",
                     Double(model.memoryBytes) / 1_048_576, Double(peak) / 1024, Double(before) / 1024))
        print(String(format: "  stored form              %8.1f MB, written in %.2f s, read back in %.2f s (the same model)",
                     Double(bytes.count) / 1_048_576, encodeSeconds, decodeSeconds))
        for confidence in evaluation.confidence {
            print(String(format: "  first choice p >= %.2f   %6.1f %% of cases, %@ right", confidence.threshold,
                         100 * Double(confidence.cases) / Double(max(evaluation.holdout, 1)),
                         confidence.right.map { String(format: "%.1f %%", 100 * $0) } ?? "-"))
        }
        print("  most confused: " + evaluation.confused.prefix(5).map { "\($0.actual)->\($0.suggested) \($0.count)" }.joined(separator: ", "))
        if options.json {
            let object: [String: Any] = [
                "suite": "learn", "generated": true, "cases": trainCount, "holdout": holdoutCount, "units": model.units.count,
                "train_seconds": trainSeconds, "top1": evaluation.top1, "top3": evaluation.top3,
                "top1_generated_unit": againstTruth.top1, "top3_generated_unit": againstTruth.top3,
                "suggest_us": ["p50": quantile(0.5), "p99": quantile(0.99), "max": durations.last ?? 0],
                "model_mb": Double(model.memoryBytes) / 1_048_576, "peak_rss_mb": Double(peak) / 1024,
                "stored_mb": Double(bytes.count) / 1_048_576, "store_seconds": encodeSeconds, "load_seconds": decodeSeconds,
                "confidence": evaluation.confidence.map { ["threshold": $0.threshold, "cases": $0.cases, "right": $0.right ?? NSNull()] as [String: Any] },
                "checksum": checksum,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
