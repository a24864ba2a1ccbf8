import ArgumentParser
import Casework
import Foundation
import Postgres

/// `civicq extensions list|approve|refuse`: the hotline office rules on extension requests.
struct ExtensionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extensions", abstract: "List extension requests (延期) and rule on them.",
        subcommands: [List.self, ActionCommand<Approve>.self, ActionCommand<Refuse>.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Extension requests waiting for a decision; with --all, the decided ones too.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Flag(help: "Include decided requests.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let (list, audience) = try await casework.read(global) { [all] connection, store, _ in try store.extensions(pendingOnly: !all, on: connection) }
                if json { print(JSONOutput.render(list)); return }
                let zh = audience.language == .zhCN
                var table = TextTable(header: zh ? ["编号", "案件", "部门", "状态", "原期限", "申请延至", "理由"]
                                                 : ["id", "case", "department", "state", "due", "asks until", "reason"])
                for item in list {
                    table.add([String(item.id), String(item.case_id), item.department, zh ? Refusals.words[item.state] ?? item.state : item.state,
                               audience.deadline(item.previous_due), audience.deadline(item.until), item.reason])
                }
                print(list.isEmpty ? (all ? audience.say("no extension requests", "没有延期申请")
                                          : audience.say("no extension requests wait for a decision (--all lists the decided ones)",
                                                         "没有等待审批的延期申请（--all 列出已审批的）"))
                    : table.render())
            }
        }
    }

    struct Approve: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "approve", abstract: "Approve a request: the resolution deadline moves.")
        @Argument(help: "The request id.") var id: Int64
        @Option(help: "A note for the record.") var reason: String?

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let outcome = try store.decideExtension(id, approve: true, reason: reason, on: connection)
            return audience.say("extension request \(id) \(outcome)", "延期申请 \(id) 已批准")
        }
    }

    struct Refuse: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "refuse", abstract: "Refuse a request: the deadline stays. --reason is required: the department is told why.")
        @Argument(help: "The request id.") var id: Int64
        @Option(help: "Why the request is refused (required; the department reads it).") var reason: String

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let outcome = try store.decideExtension(id, approve: false, reason: reason, on: connection)
            return audience.say("extension request \(id) \(outcome)", "延期申请 \(id) 未批准，期限不变")
        }
    }
}

/// `civicq callback next|record`: callback agents ask citizens whether it was solved.
struct CallbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callback", abstract: "Make the callbacks (回访) after cases are resolved.",
        subcommands: [Next.self, ActionCommand<Record>.self])

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The next callback due, with the citizen's contact; held for you for 15 minutes.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let (task, audience) = try await casework.read(global) { connection, store, _ in try store.nextCallback(on: connection) }
                guard let task else { print(json ? "null" : audience.say("no callback is due", "没有到期的回访")); return }
                if json { print(JSONOutput.render(task)); return }
                let record = "civicq callback record \(task.case) --solved yes|no --rating satisfied|basic|dissatisfied"
                let contact = "\(task.citizen_name ?? "") \(task.citizen_phone ?? "")"
                print(audience.language == .zhCN ? """
                    案件 \(task.case)：\(task.title)
                    致电        \(contact)（第 \(task.tries + 1) 次）
                    部门        \(task.lead_department ?? "-")
                    答复        \(task.reply ?? "")
                    记录方式：\(record)，或 --unreachable
                    """ : """
                    case \(task.case): \(task.title)
                    call        \(contact) (try \(task.tries + 1))
                    department  \(task.lead_department ?? "-")
                    reply       \(task.reply ?? "")
                    record with: \(record), or --unreachable
                    """)
            }
        }
    }

    struct Record: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "record", abstract: "Record what the citizen said, or that they could not be reached.")
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "yes or no.") var solved: String?
        @Option(help: "satisfied, basic or dissatisfied.") var rating: String?
        @Flag(help: "Nobody answered.") var unreachable = false
        @Flag(help: "Hotline office: keep the case closed even though the citizen is not satisfied.") var noReopen = false

        func answer() throws -> CallbackAnswer {
            if unreachable {
                guard solved == nil, rating == nil else { throw ValidationError("--unreachable goes without --solved and --rating") }
                return .unreachable
            }
            guard let solved, ["yes", "no"].contains(solved) else { throw ValidationError("--solved must be yes or no (or pass --unreachable)") }
            guard let rating, let parsed = CallbackRating(rawValue: rating) else {
                throw ValidationError("--rating must be satisfied, basic or dissatisfied")
            }
            return .answered(solved: solved == "yes", rating: parsed)
        }

        func validate() throws { _ = try answer() }

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            switch try store.recordCallback(id, answer: try answer(), noReopen: noReopen, on: connection) {
            case "closed": audience.say("case \(id) closed", "案件 \(id) 已结案")
            case "reopened": audience.say("case \(id) reopened to its department (a redo)", "案件 \(id) 已退回承办单位重办")
            case "retry": audience.say("noted; the callback will be tried again later", "已记录；稍后再次回访")
            case "recorded": audience.say("noted on case \(id), which was merged: its main case's own callback decides whether it reopens",
                                          "已记录在并入的案件 \(id) 上：是否重办由主案件的回访决定")
            default: audience.say("case \(id) closed as unanswered", "案件 \(id) 多次回访未接通，已结案")
            }
        }
    }
}
