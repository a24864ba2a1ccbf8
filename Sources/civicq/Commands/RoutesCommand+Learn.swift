import ArgumentParser
import Casework
import Foundation
import Postgres

extension RoutesCommand {
    /// `civicq route learn [--evaluate] [--days N] [--json]`: a dispatch model (智能派单) learnt
    /// from this deployment's own history, trained on the earlier cases and tested on the latest
    /// fifth, beside the rules and the model in use on the same cases; stored as a new version,
    /// in use only if it did better. `--evaluate` changes nothing.
    struct Learn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn a dispatch model from where finished cases really ended up; it replaces the model in use only if it does better.",
            discussion: """
                Learns from the cases received in the last --days days that a unit resolved or closed, each \
                labelled with the lead unit it ended with (after returns and desk rulings). Trains on the earlier \
                four fifths and tests on the latest fifth: top-1 and top-3 accuracy, each unit's precision and \
                recall, the pairs most confused, and of the test cases the rules sent to the desk or to a unit \
                that was not the last, how many the model would have placed right. The model is stored as a new \
                version; it is used (route explain, route test, the desk's list, dispatch.auto_threshold) only if no \
                model is in use or it did better than the model in use on the test cases new to that model. Needs at \
                least \(DispatchEvaluation.minimumCases) such cases. The worker's dispatch.learn job does the same every \
                dispatch.learn_seconds (a week).
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Evaluate only: store nothing.") var evaluate = false
        @Option(help: "Learn from cases received in the last N days.") var days = 365
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...3_650).contains(days) else { throw ValidationError("--days must be between 1 and 3650") }
        }

        func run() async throws {
            try await CommandFailure.guarding {
                let until = Date()
                let from = until.addingTimeInterval(-Double(days) * 86_400)
                let (days, store) = (days, !evaluate)
                let learning = try await global.withStore(reading: evaluate) { connection, casework in
                    let count = try casework.dispatchHistoryCount(from: from, until: until, on: connection)
                    let needed = DispatchEvaluation.minimumCases, learnt = DispatchTrainer.minimumCases
                    guard count >= needed else {
                        throw CaseworkError(.badInput, Spoken.say(
                            "\(count) finished cases in the last \(days) days is too few: at least \(needed) are needed (\(learnt) to learn from, a fifth more to test on); nothing was changed",
                            "近 \(days) 天办结的案件 \(count) 件，太少：至少需要 \(needed) 件（\(learnt) 件用于学习，另五分之一用于检验）；未做任何更改"))
                    }
                    return try casework.learnDispatchModel(from: from, until: until, count: count, store: store, on: connection)
                }
                if json { print(JSONOutput.render(learning)); return }
                print(LearnReport.render(learning, days: days))
            }
        }
    }
}

/// The plain-text report of `route learn`.
enum LearnReport {
    static func render(_ learning: DispatchLearning, days: Int) -> String {
        let say = Spoken.say
        let evaluation = learning.evaluation
        let percent = RouteReport.percent
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
        if let comparison = learning.comparison {
            lines.append(say(
                "against model \(comparison.model) in use, on the \(comparison.cases) test cases new to it: top-1 \(percent(comparison.candidate.top1)) against \(percent(comparison.inUse.top1)), top-3 \(percent(comparison.candidate.top3)) against \(percent(comparison.inUse.top3))",
                "与使用中的模型 \(comparison.model) 比较（其未见过的 \(comparison.cases) 件检验案件）：首选 \(percent(comparison.candidate.top1)) 对 \(percent(comparison.inUse.top1))，前三 \(percent(comparison.candidate.top3)) 对 \(percent(comparison.inUse.top3))"))
        }
        let model = learning.comparison?.model
        switch (learning.version, learning.adopted) {
        case (nil, true):
            lines.append(say("nothing was stored (--evaluate); stored, it would be used", "未保存任何模型（--evaluate）；若保存，将被使用"))
        case (nil, false):
            lines.append(say("nothing was stored (--evaluate); stored, it would not replace model \(model ?? 0)",
                             "未保存任何模型（--evaluate）；若保存，不会取代模型 \(model ?? 0)"))
        case (let version?, true):
            lines.append(say("stored as model \(version), now in use", "已保存为模型 \(version)，现已使用"))
        case (let version?, false):
            lines.append(say("stored as model \(version) (its record only): model \(model ?? 0) stays in use, as it did as well or better",
                             "已保存为模型 \(version)（仅记录）：模型 \(model ?? 0) 表现不差于它，继续使用"))
        }
        return lines.joined(separator: "\n")
    }
}
