import ArgumentParser
import Casework
import Foundation
import Postgres

/// `civicq routes import FILE`, `civicq route explain CASE`, `civicq route test ...`.
struct RoutesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routes",
        abstract: "Import routing rules; explain or test where a case goes.",
        subcommands: [Import.self, Explain.self, Test.self, Learn.self, Models.self],
        aliases: ["route"]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store the rules in FILE as a new version (workers use it at once).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A YAML file, or - for standard input.") var file: String

        func run() async throws {
            try await CommandFailure.guarding {
                let parsed = try RoutesFile.parse(try InputFile.read(file))
                let version = try await global.withStore { [file] in try $1.importRoutes(parsed, source: file, on: $0) }
                print(Spoken.say("\(parsed.rules.count) rules imported as version \(version)", "已导入 \(parsed.rules.count) 条规则，版本 \(version)"))
            }
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Why a case went where it went, where the current rules would send it, and what the dispatch model suggests.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: Int64
        @Flag(help: "List every rule with the condition it failed.") var all = false

        func run() async throws {
            try await CommandFailure.guarding {
                let ((context, routed, events, model), zone) = try await global.withAudience { [id] connection, store, _ in
                    let context = try store.loadContext(on: connection)
                    guard let routed = try store.routingCases(ids: [id], on: connection).first else {
                        throw CaseworkError(.notFound, "there is no case \(id)")
                    }
                    let events = try store.history(id, on: connection).filter { [CaseEventKind.dispatched, .manualDispatch, .assigned].map(\.rawValue).contains($0.kind) }
                    return (context, routed, events, try store.dispatchModelInUse(on: connection))
                }
                let say = zone.say
                var lines: [String] = []
                for event in events {
                    let reason = Refusals.say(event.reason ?? "", in: zone.language)
                    lines.append(zone.time(event.at) + " " + say("\(event.kind) to \(event.department ?? "the dispatch desk"): \(reason)",
                                                                 "\(Refusals.words[event.kind] ?? event.kind) 至 \(event.department ?? "派单台")：\(reason)"))
                }
                if events.isEmpty { lines.append(say("case \(id) has not been routed yet", "案件 \(id) 尚未派单")) }
                lines.append("")
                lines.append(RouteReport.explain(context.router, routed.input, all: all, language: zone.language))
                lines.append(RouteReport.suggestions(model, routed.input, audience: zone))
                print(lines.joined(separator: "\n"))
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Where the current rules send a case like this, and what the dispatch model suggests.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Category code.") var category: String
        @Option(help: "Area code.") var area: String
        @Option(help: "Title and description text.") var text: String = ""
        @Option(help: "Intake channel.") var channel = "phone"
        @Option(help: "Departments that returned it (comma-separated).") var excluded: String = ""
        @Flag(help: "List every rule with the condition it failed.") var all = false

        func run() async throws {
            try await CommandFailure.guarding {
                let ((context, model), audience) = try await global.withAudience { connection, store, _ in
                    (try store.loadContext(on: connection), try store.dispatchModelInUse(on: connection))
                }
                let returned = Set(excluded.split(separator: ",").map(String.init))
                let input = RoutingInput(category: category, area: area, channel: channel, title: text, description: "",
                                         excluded: returned, returns: returned.count)
                print(RouteReport.explain(context.router, input, all: all, language: audience.language))
                print(RouteReport.suggestions(model, input, audience: audience))
            }
        }
    }
}

enum RouteReport {
    static func explain(_ router: Router, _ input: RoutingInput, all: Bool, language: Language = .en) -> String {
        let decision = router.route(input)
        let say = language.pick
        let version = router.version.map(String.init) ?? say("none", "无")
        var lines = [say("rules version \(version) (\(router.rules.count) rules)", "规则版本 \(version)（\(router.rules.count) 条规则）")]
        switch decision.outcome {
        case .dispatched(let lead, let assists):
            lines.append(say("→ lead \(lead)", "→ 主办 \(lead)")
                + (assists.isEmpty ? "" : say(", assisting ", "，协办 ") + assists.joined(separator: ", ")))
        case .manualDispatch:
            lines.append(say("→ the manual dispatch desk", "→ 人工派单台"))
        }
        lines.append(say("  because ", "  原因：") + Refusals.say(decision.reason, in: language))
        lines.append(say("  clock policy \(decision.policy)", "  时限规则 \(decision.policy)")
            + (decision.priority.map { say(", priority \($0)", "，优先级 \($0)") } ?? ""))
        let trace = router.trace(input)
        let shown = all ? trace : Array(trace.prefix { $0.rule.id != decision.ruleID }.suffix(5))
        if !shown.isEmpty {
            lines.append(all ? say("every rule:", "所有规则：") : say("the rules just before it:", "它之前的规则："))
            for (rule, failure) in shown { lines.append("  \(rule.id): " + (failure.map { Refusals.say($0, in: language) } ?? say("matches", "匹配"))) }
        }
        return lines.joined(separator: "\n")
    }
}
