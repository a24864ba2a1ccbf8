import Casework
import Foundation

extension RouteReport {
    /// The dispatch model's top three units for `input`, with probabilities and the n-grams and
    /// tokens that weighed most for each; a line saying so when no model is in use.
    static func suggestions(
        _ inUse: CaseworkStore.ModelInUse?, _ input: RoutingInput, audience: Audience
    ) -> String {
        let say = audience.say
        guard let (record, model) = inUse else {
            return say("no dispatch model is in use (civicq route learn)", "尚无使用中的派单模型（civicq route learn）")
        }
        let complaint = DispatchInput(input)
        var lines = [say("dispatch model \(record.version) (learnt \(audience.time(record.trainedAt)), top-1 \(percent(record.evaluation.top1)) when tested) suggests:",
                         "派单模型 \(record.version)（\(audience.time(record.trainedAt)) 学习，检验首选准确率 \(percent(record.evaluation.top1))）建议：")]
        for (rank, suggestion) in model.suggest(complaint, count: 3).enumerated() {
            let evidence = model.evidence(for: suggestion.unit, in: complaint).map(\.text)
            let excluded = input.excluded.contains(suggestion.unit) ? say(" (returned it)", "（已退单）") : ""
            lines.append("  \(rank + 1). \(suggestion.unit) \(percent(suggestion.probability))\(excluded)"
                + (evidence.isEmpty ? "" : say("  weighed most: ", "  依据：") + evidence.joined(separator: " ")))
        }
        return lines.joined(separator: "\n")
    }

    /// `0.9123` as `91.2 %`; "-" for no figure.
    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", 100 * $0) } ?? "-" }
}
