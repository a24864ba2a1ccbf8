import ArgumentParser
import Casework
import Foundation
import Postgres

extension RoutesCommand {
    /// `civicq route learn --evaluate [--days N] [--json]`: how the dispatch model (智能派单)
    /// would do on this deployment's own history, trained on the earlier cases and tested on
    /// the latest fifth, beside the rules on the same cases. Changes nothing.
    struct Learn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a dispatch model learnt from where finished cases really ended up (changes nothing).",
            discussion: """
                Learns from the cases received in the last --days days that a unit resolved or closed, each \
                labelled with the lead unit it ended with (after returns and desk rulings). Trains on the earlier \
                four fifths and tests on the latest fifth: top-1 and top-3 accuracy, each unit's precision and \
                recall, the pairs most confused, and of the test cases the rules sent to the desk or to a unit \
                that was not the last, how many the model would have placed right. Needs at least \
                \(DispatchEvaluation.minimumCases) such cases. Storing a model and suggesting from it are not built yet: \
                --evaluate is required.
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Evaluate only (required: storing a model is not built yet).") var evaluate = false
        @Option(help: "Learn from cases received in the last N days.") var days = 365
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard evaluate else { throw ValidationError("storing a learnt model is not built yet; run with --evaluate") }
            guard (1...3_650).contains(days) else { throw ValidationError("--days must be between 1 and 3650") }
        }

        func run() async throws {
            try await CommandFailure.guarding {
                let until = Date()
                let from = until.addingTimeInterval(-Double(days) * 86_400)
                let examples = try await global.withStore(reading: true) { connection, store in
                    try store.dispatchHistory(from: from, until: until, on: connection)
                }
                let needed = DispatchEvaluation.minimumCases, learnt = DispatchTrainer.minimumCases
                guard examples.count >= needed else {
                    throw CaseworkError(.badInput, Spoken.say(
                        "\(examples.count) finished cases in the last \(days) days is too few: at least \(needed) are needed (\(learnt) to learn from, a fifth more to test on); nothing was changed",
                        "近 \(days) 天办结的案件 \(examples.count) 件，太少：至少需要 \(needed) 件（\(learnt) 件用于学习，另五分之一用于检验）；未做任何更改"))
                }
                let (_, evaluation) = try DispatchEvaluation.run(examples, trainer: DispatchTrainer())
                if json { print(JSONOutput.render(evaluation)); return }
                print(LearnReport.render(evaluation, days: days))
            }
        }
    }
}

/// The plain-text report of `route learn --evaluate`.
enum LearnReport {
    static func render(_ evaluation: DispatchEvaluation, days: Int) -> String {
        let say = Spoken.say
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", 100 * $0) } ?? "-" }
        var lines = [
            say("learnt from \(evaluation.trained) finished cases of the last \(days) days, tested on the \(evaluation.holdout) latest",
                "以近 \(days) 天办结的 \(evaluation.trained) 件案件学习，以最新的 \(evaluation.holdout) 件检验"),
            say("top-1 \(percent(evaluation.top1)), top-3 \(percent(evaluation.top3))",
                "首选准确率 \(percent(evaluation.top1))，前三准确率 \(percent(evaluation.top3))"),
        ]
        if let missed = evaluation.rulesMissed, let rescued = evaluation.modelRightWhereRulesMissed {
            lines.append(say(
                "of \(evaluation.rulesKnown) test cases the rules routed, \(missed) went to the desk or to a unit that was not the last; the model placed \(rescued) of those right",
                "检验案件中规则派单的 \(evaluation.rulesKnown) 件里，\(missed) 件进了派单台或派给了非最终承办单位；模型答对其中 \(rescued) 件"))
        }
        for confidence in evaluation.confidence {
            lines.append(say(
                "  first choice at probability ≥ \(confidence.threshold): \(confidence.cases) cases, \(percent(confidence.right)) right",
                "  首选概率 ≥ \(confidence.threshold)：\(confidence.cases) 件，正确 \(percent(confidence.right))"))
        }
        var table = TextTable(header: [say("unit", "单位"), say("cases", "件数"), say("precision", "查准率"), say("recall", "查全率")])
        for unit in evaluation.units { table.add([unit.unit, String(unit.support), percent(unit.precision), percent(unit.recall)]) }
        lines.append(table.render())
        if !evaluation.confused.isEmpty {
            lines.append(say("most confused (final unit → model's first choice):", "最常混淆（最终单位 → 模型首选）："))
            for pair in evaluation.confused { lines.append("  \(pair.actual) → \(pair.suggested): \(pair.count)") }
        }
        lines.append(say("nothing was stored (--evaluate)", "未保存任何模型（--evaluate）"))
        return lines.joined(separator: "\n")
    }
}
