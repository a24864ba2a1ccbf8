import ArgumentParser
import Casework
import Foundation
import Postgres

extension CaseCommand {
    /// Runs one action on a case and prints the sentence `describe` makes of its result.
    static func act<R: Sendable>(
        _ global: GlobalOptions, _ casework: CaseworkOptions, _ action: @escaping @Sendable (PostgresConnection, CaseworkStore) throws -> R,
        _ describe: (R) -> String
    ) async throws {
        try await CommandFailure.guarding {
            let result = try await casework.run(global, action)
            print(describe(result))
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept (签收) a case for your department.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The case id.") var id: Int64

        func run() async throws {
            try await act(global, casework, { [id] in try $1.accept(id, on: $0) }) { "case \(id) accepted; it is \($0.rawValue)" }
        }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a note: internal, or --public for the citizen to see.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The case id.") var id: Int64
        @Argument(help: "The note.") var text: String
        @Flag(help: "The citizen sees it.") var `public` = false

        func run() async throws {
            try await act(global, casework, { [id, text, `public`] in try $1.note(id, text: text, public: `public`, on: $0) }) {
                "note added to case \(id)"
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve (办结) a case with the reply to the citizen; the callback follows.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "The reply to the citizen.") var reply: String

        func run() async throws {
            try await act(global, casework, { [id, reply] in try $1.resolve(id, reply: reply, on: $0) }) { "case \(id) is \($0.rawValue)" }
        }
    }

    struct Return: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Return (退单) a case that is not your department's; it is routed again without you.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "not_our_duty, wrong_area, insufficient_information, duplicate or other.") var reason: String
        @Option(help: "Why, for the dispatch desk.") var text: String

        func run() async throws {
            try await act(global, casework, { [id, reason, text] in try $1.return(id, reasonCode: reason, text: text, on: $0) }) {
                "case \(id) is \($0.rawValue); it will be routed again"
            }
        }
    }

    struct Extend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask for a later resolution deadline (延期), before the current one.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "The new deadline: YYYY-MM-DD (end of that day) or an ISO 8601 time.") var until: String
        @Option(help: "Why more time is needed.") var reason: String

        func validate() throws { _ = try Deadline.parse(until) }

        func run() async throws {
            let until = try Deadline.parse(self.until)
            try await act(global, casework, { [id, reason] in try $1.requestExtension(id, until: until, reason: reason, on: $0) }) {
                "extension request \($0) for case \(id) waits for the hotline office"
            }
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dispatch desk: assign a lead (and assisting) departments. Final.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "The lead department (主办).") var lead: String
        @Option(help: "Assisting departments (协办), comma-separated.") var assist: String = ""
        @Option(help: "Why, for the record.") var reason: String?

        func run() async throws {
            let assists = assist.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            try await act(global, casework, { [id, lead, reason] in try $1.assign(id, lead: lead, assists: assists, reason: reason, on: $0) }) {
                "case \(id) is \($0.rawValue) to \(lead)"
            }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a duplicate into its main case (并单): one callback answers for both.",
            usage: "civicq case merge DUP into MAIN")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The duplicate, the word 'into', and the main case.") var words: [String]

        func validate() throws { _ = try ids() }

        func ids() throws -> (Int64, Int64) {
            let numbers = words.filter { $0.lowercased() != "into" }.compactMap { Int64($0) }
            guard numbers.count == 2, words.count == 2 || (words.count == 3 && words[1].lowercased() == "into") else {
                throw ValidationError("write: civicq case merge DUP into MAIN")
            }
            return (numbers[0], numbers[1])
        }

        func run() async throws {
            let (duplicate, main) = try ids()
            try await act(global, casework, { try $1.merge(duplicate, into: main, on: $0) }) { _ in
                "case \(duplicate) merged into case \(main)"
            }
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hotline office: the citizen withdrew the case.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await act(global, casework, { [id, reason] in try $1.end(id, action: .withdraw, reason: reason, on: $0) }) { "case \(id) is \($0.rawValue)" }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hotline office: reject an invalid or abusive case.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The case id.") var id: Int64
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await act(global, casework, { [id, reason] in try $1.end(id, action: .reject, reason: reason, on: $0) }) { "case \(id) is \($0.rawValue)" }
        }
    }
}

/// Deadlines typed by people.
enum Deadline {
    /// `YYYY-MM-DD` is the end of that day in this machine's time zone; an ISO 8601 time is
    /// taken as it is.
    static func parse(_ text: String) throws -> Date {
        if let day = CalendarDay(text) {
            return WorkCalendar(timeZone: .current).start(of: day.adding(days: 1))
        }
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        throw ValidationError("write the deadline as YYYY-MM-DD or an ISO 8601 time such as 2026-11-30T18:00:00+08:00")
    }
}
