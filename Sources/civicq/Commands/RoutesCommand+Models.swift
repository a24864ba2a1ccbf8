import ArgumentParser
import Casework
import Foundation

extension RoutesCommand {
    /// `civicq route models [--json]`: the stored dispatch models, newest first, and the latest
    /// check of the one in use.
    struct Models: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The dispatch models learnt, newest first: window, evaluation, whether in use, and the last weekly check.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Most models to list.") var limit = 20
        @Flag(help: "Print JSON.") var json = false

        struct Listing: Encodable {
            var models: [DispatchModelRecord]
            var check: DispatchModelCheck?
        }

        func run() async throws {
            try await CommandFailure.guarding {
                let ((models, check), audience) = try await global.withAudience(reading: true) { [limit] connection, store, _ in
                    (try store.dispatchModels(limit: limit, on: connection), try store.latestDispatchCheck(on: connection))
                }
                if json { print(JSONOutput.render(Listing(models: models, check: check))); return }
                guard !models.isEmpty else {
                    print(audience.say("no dispatch model has been learnt (civicq route learn)", "尚未学习任何派单模型（civicq route learn）"))
                    return
                }
                let inUse = models.first(where: \.adopted)?.version
                var table = TextTable(header: audience.language == .zhCN
                    ? ["版本", "学习时间", "学习范围", "单位", "学习件数", "首选", "前三", "状态"]
                    : ["version", "learnt", "window", "units", "cases", "top-1", "top-3", "status"])
                for model in models {
                    let status = model.version == inUse ? audience.say("in use", "使用中")
                        : model.adopted ? audience.say("replaced", "已替换") : audience.say("not adopted", "未采用")
                    table.add([String(model.version), audience.time(model.trainedAt),
                               audience.say("\(model.windowDays) days to ", "\(model.windowDays) 天，至 ") + audience.time(model.windowUntil),
                               String(model.units.count), String(model.evaluation.trained),
                               RouteReport.percent(model.evaluation.top1), RouteReport.percent(model.evaluation.top3), status])
                }
                var text = table.render()
                if let check {
                    let agreement = RouteReport.percent(check.agreement.value)
                    text += "\n" + audience.say(
                        "last check \(audience.time(check.at)): model \(check.model)'s first choice was the final unit of \(check.agreed) of \(check.cases) cases finished in the week before (\(agreement); \(RouteReport.percent(check.evaluatedTop1)) when tested)",
                        "最近检查 \(audience.time(check.at))：前一周办结的 \(check.cases) 件中，模型 \(check.model) 首选即最终单位的 \(check.agreed) 件（\(agreement)；检验时 \(RouteReport.percent(check.evaluatedTop1))）")
                }
                print(text)
            }
        }
    }
}
