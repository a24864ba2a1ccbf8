import ArgumentParser
import Casework
import Foundation
import Postgres

/// `civicq routes import FILE`, `civicq route explain CASE`, `civicq route test ...`.
struct RoutesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routes",
        abstract: "Import routing rules; explain or test where a case goes.",
        subcommands: [Import.self, Explain.self, Test.self],
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
                print("\(parsed.rules.count) rules imported as version \(version)")
            }
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Why a case went where it went, and where the current rules would send it.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: Int64
        @Flag(help: "List every rule with the condition it failed.") var all = false

        func run() async throws {
            try await CommandFailure.guarding {
                let (context, routed, events, zone) = try await global.withStore { [id] connection, store in
                    let context = try store.loadContext(on: connection)
                    guard let routed = try store.routingCases(ids: [id], on: connection).first else {
                        throw CaseworkError(.notFound, "there is no case \(id)")
                    }
                    let events = try store.history(id, on: connection).filter { [CaseEventKind.dispatched, .manualDispatch, .assigned].map(\.rawValue).contains($0.kind) }
                    return (context, routed, events, try store.reportingTimeZone(on: connection))
                }
                var lines: [String] = []
                for event in events {
                    lines.append("\(Presentation.local(event.at, in: zone)) \(event.kind) to \(event.department ?? "the dispatch desk"): \(event.reason ?? "")")
                }
                if events.isEmpty { lines.append("case \(id) has not been routed yet") }
                lines.append("")
                lines.append(RouteReport.explain(context.router, routed.input, all: all))
                print(lines.joined(separator: "\n"))
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Where the current rules send a case like this.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Category code.") var category: String
        @Option(help: "Area code.") var area: String
        @Option(help: "Title and description text.") var text: String = ""
        @Option(help: "Intake channel.") var channel = "phone"
        @Option(help: "Departments that returned it (comma-separated).") var excluded: String = ""
        @Flag(help: "List every rule with the condition it failed.") var all = false

        func run() async throws {
            try await CommandFailure.guarding {
                let context = try await global.withStore { try $1.loadContext(on: $0) }
                let returned = Set(excluded.split(separator: ",").map(String.init))
                let input = RoutingInput(category: category, area: area, channel: channel, title: text, description: "",
                                         excluded: returned, returns: returned.count)
                print(RouteReport.explain(context.router, input, all: all))
            }
        }
    }
}

enum RouteReport {
    static func explain(_ router: Router, _ input: RoutingInput, all: Bool) -> String {
        let decision = router.route(input)
        var lines = ["rules version \(router.version.map(String.init) ?? "none") (\(router.rules.count) rules)"]
        switch decision.outcome {
        case .dispatched(let lead, let assists):
            lines.append("→ lead \(lead)" + (assists.isEmpty ? "" : ", assisting \(assists.joined(separator: ", "))"))
        case .manualDispatch:
            lines.append("→ the manual dispatch desk")
        }
        lines.append("  because \(decision.reason)")
        lines.append("  clock policy \(decision.policy)" + (decision.priority.map { ", priority \($0)" } ?? ""))
        let trace = router.trace(input)
        let shown = all ? trace : Array(trace.prefix { $0.rule.id != decision.ruleID }.suffix(5))
        if !shown.isEmpty {
            lines.append(all ? "every rule:" : "the rules just before it:")
            for (rule, failure) in shown { lines.append("  \(rule.id): \(failure ?? "matches")") }
        }
        return lines.joined(separator: "\n")
    }
}
