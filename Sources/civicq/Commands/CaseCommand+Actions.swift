import ArgumentParser
import Casework
import Foundation
import Postgres

/// The actions on one case: each is run by `ActionCommand`.
extension CaseCommand {
    struct Accept: CaseworkAction {
        static let configuration = CommandConfiguration(commandName: "accept", abstract: "Accept (签收) a case for your department.")
        @Argument(help: "The case id.") var id: Int64

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let state = try store.accept(id, on: connection)
            return audience.say("case \(id) accepted; it is \(state.rawValue)", "案件 \(id) 已签收，状态 \(state.rawValue)")
        }
    }

    struct Note: CaseworkAction {
        static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note: internal, or --public for the citizen to see.")
        @Argument(help: "The case id.") var id: Int64
        @Argument(help: "The note.") var text: String
        @Flag(help: "The citizen sees it.") var `public` = false

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            try store.note(id, text: text, public: `public`, on: connection)
            return audience.say("note added to case \(id)", "已为案件 \(id) 添加备注")
        }
    }

    struct Resolve: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "resolve", abstract: "Resolve (办结) a case with the reply to the citizen; the callback follows.")
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "The reply to the citizen.") var reply: String

        func validate() throws {
            if reply.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ValidationError("--reply is blank: write what was done, for the citizen")
            }
        }

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let state = try store.resolve(id, reply: reply, on: connection)
            return audience.say("case \(id) is \(state.rawValue)", "案件 \(id) 已办结，状态 \(state.rawValue)，等待回访")
        }
    }

    struct Return: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "return", abstract: "Return (退单) a case that is not your department's; it is routed again without you.")
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "not_our_duty, wrong_area, insufficient_information, duplicate or other.") var reason: String
        @Option(help: "Why, for the dispatch desk.") var text: String

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let state = try store.return(id, reasonCode: reason, text: text, on: connection)
            return audience.say("case \(id) is \(state.rawValue); it will be routed again", "案件 \(id) 已退单（\(state.rawValue)），将重新派单")
        }
    }

    struct Extend: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "extend", abstract: "Ask for a later resolution deadline (延期), before the current one.")
        @Argument(help: "The case id.") var id: Int64
        @Option(help: """
            The new deadline, in the installation's reporting time zone: a day (2026-12-08, 2026/12/8 \
            or 2026年12月8日: the end of that day), a local time (2026-12-08 18:00) or an ISO 8601 time with an offset.
            """) var until: String
        @Option(help: "Why more time is needed.") var reason: String

        func validate() throws { _ = try Deadline.parse(until, in: .gmt) }

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let deadline = try Deadline.parse(until, in: audience.timeZone)
            let request = try store.requestExtension(id, until: deadline, reason: reason, on: connection)
            return audience.say("extension request \(request) for case \(id) until \(audience.deadline(deadline)) waits for the hotline office",
                                "案件 \(id) 的延期申请 \(request)（延至 \(audience.deadline(deadline))）已提交，等待热线办审批")
        }
    }

    struct Assign: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "assign", abstract: "Dispatch desk: assign a lead (and assisting) departments. Final.")
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "The lead department (主办).") var lead: String
        @Option(help: "Assisting departments (协办), comma-separated.") var assist: String = ""
        @Option(help: "Why, for the record.") var reason: String?

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let assists = assist.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let state = try store.assign(id, lead: lead, assists: assists, reason: reason, on: connection)
            return audience.say("case \(id) is \(state.rawValue) to \(lead)", "案件 \(id) 已派给 \(lead)（\(state.rawValue)）")
        }
    }

    struct Merge: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Merge a duplicate into its main case (并单): its citizen is called back when the main case is resolved.",
            usage: "civicq case merge DUP into MAIN   (or: civicq case merge DUP --into MAIN)")
        @Argument(help: "The duplicate, the word 'into', and the main case (or the duplicate alone, with --into).") var words: [String]
        @Option(help: "The main case.") var into: Int64?

        func validate() throws { _ = try ids() }

        func ids() throws -> (Int64, Int64) {
            if let into {
                guard words.count == 1, let duplicate = Int64(words[0]) else {
                    throw ValidationError("write: civicq case merge DUP --into MAIN")
                }
                return (duplicate, into)
            }
            let numbers = words.filter { $0.lowercased() != "into" }.compactMap { Int64($0) }
            guard numbers.count == 2, words.count == 2 || (words.count == 3 && words[1].lowercased() == "into") else {
                throw ValidationError("write: civicq case merge DUP into MAIN")
            }
            return (numbers[0], numbers[1])
        }

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let (duplicate, main) = try ids()
            _ = try store.merge(duplicate, into: main, on: connection)
            return audience.say("case \(duplicate) merged into case \(main)", "案件 \(duplicate) 已并入案件 \(main)")
        }
    }

    struct Withdraw: CaseworkAction {
        static let configuration = CommandConfiguration(commandName: "withdraw", abstract: "Hotline office: the citizen withdrew the case.")
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "Why.") var reason: String

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let state = try store.end(id, action: .withdraw, reason: reason, on: connection)
            return audience.say("case \(id) is \(state.rawValue)", "案件 \(id) 已撤回（\(state.rawValue)）")
        }
    }

    struct Reject: CaseworkAction {
        static let configuration = CommandConfiguration(commandName: "reject", abstract: "Hotline office: reject an invalid or abusive case.")
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "Why.") var reason: String

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let state = try store.end(id, action: .reject, reason: reason, on: connection)
            return audience.say("case \(id) is \(state.rawValue)", "案件 \(id) 已作废（\(state.rawValue)）")
        }
    }
}

/// Deadlines typed by people, read in the installation's reporting time zone (`LocalTime`).
enum Deadline {
    static func parse(_ text: String, in timeZone: TimeZone) throws -> Date {
        if let date = LocalTime.deadline(text, in: timeZone) { return date }
        throw ValidationError(
            "write the deadline as a day (2026-12-08), a local time (2026-12-08 18:00) or an ISO 8601 time such as 2026-12-08T18:00:00+08:00")
    }
}
