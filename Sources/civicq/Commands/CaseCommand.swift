import ArgumentParser
import Casework
import Foundation

/// `civicq case ...`: a department's inbox and the actions on a case.
struct CaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Work cases: list, show, accept, note, resolve, return, extend, assign, merge, history.",
        discussion: """
            You act as the PostgreSQL login you connect as (PG* variables, .pgpass, sslmode, \
            client certificates, as with psql). The database lets you see and change only your \
            department's cases. Exit codes: 64 bad option, 66 unknown case, 67 not a civicq user, \
            73 wrong state for this action, 77 not your department or role.
            """,
        subcommands: [
            List.self, Show.self, History.self, ActionCommand<Accept>.self, ActionCommand<Note>.self,
            ActionCommand<Resolve>.self, ActionCommand<Return>.self, ActionCommand<Extend>.self, ActionCommand<Assign>.self,
            ActionCommand<Merge>.self, DuplicatesCommand.self, ActionCommand<Withdraw>.self, ActionCommand<Reject>.self, Submit.self,
        ]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your department's inbox, most urgent deadline first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Option(help: "Only these states (comma-separated). Default: every open state.") var state: String?
        @Flag(help: "Only overdue cases.") var overdue = false
        @Option(help: "Category code prefix.") var category: String?
        @Option(help: "Area code prefix.") var area: String?
        @Option(help: "Another department's inbox (hotline office), or 'all' for every case you may see.") var department: String?
        @Option(help: "Most cases to list (a page).") var limit = 50
        @Option(help: "Which page of --limit cases, from 1.") var page = 1
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            _ = try states()
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
            guard page >= 1 else { throw ValidationError("--page must be at least 1") }
        }

        func states() throws -> [CaseState] {
            try (state ?? "").split(separator: ",").map {
                guard let state = CaseState(rawValue: String($0)) else {
                    throw ValidationError("unknown state \($0); states are \(CaseState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return state
            }
        }

        func run() async throws {
            try await CommandFailure.guarding {
                var filter = CaseFilter()
                filter.states = try states()
                filter.overdueOnly = overdue
                filter.category = category
                filter.area = area
                filter.limit = limit
                filter.page = page
                let (requested, base) = (department, filter)
                let ((cases, total, suggestions), audience) = try await casework.read(global, reading: true) { connection, store, _ in
                    var filter = base
                    if requested == nil {
                        filter.department = try store.actor(on: connection).department
                    } else if requested != "all" {
                        filter.department = requested
                    }
                    let cases = try store.list(filter, on: connection)
                    // A first page that is not full is the whole list; else count (a department's
                    // count also refuses someone outside it, which the list alone does not).
                    let total = filter.page == 1 && cases.count < filter.limit && (requested == nil || requested == "all")
                        ? cases.count : try store.count(filter, on: connection)
                    return (cases, total, try store.deskSuggestions(cases, on: connection))
                }
                print(json ? JSONOutput.render(cases)
                           : CaseReport.table(cases, total: total, page: page, suggestions: suggestions, for: audience))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One case: its details, departments and deadlines.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The case id.") var id: Int64
        @Flag(help: "Show the citizen's name and phone unmasked (recorded; not every role may).") var reveal = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let ((detail, names), audience) = try await casework.read(global) { [id, reveal] connection, store, _ in
                    let detail = try store.detail(id, reveal: reveal, on: connection)
                    return (detail, try store.names(category: detail.summary.category, area: detail.summary.area, on: connection))
                }
                print(json ? JSONOutput.render(detail) : CaseReport.text(detail, names: names, for: audience))
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The event log of a case, oldest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The case id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let (events, audience) = try await casework.read(global) { [id] connection, store, _ in
                    _ = try store.detail(id, reveal: false, on: connection)
                    return try store.history(id, on: connection)
                }
                print(json ? JSONOutput.render(events) : CaseReport.table(events, for: audience))
            }
        }
    }
}
