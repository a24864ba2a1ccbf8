import ArgumentParser
import Foundation
import JobQueue
import Postgres

/// `civicq jobs ...`: look at and act on the queue.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Inspect the job queue and act on dead jobs.",
        subcommands: [Stats.self, Dead.self, Retry.self, Discard.self, Cancel.self, Enqueue.self]
    )

    /// Runs `body` with a queue client over a one-connection pool.
    static func withQueue<R>(_ global: GlobalOptions, _ body: (JobQueueClient) async throws -> R) async throws -> R {
        try await global.withClient { client, _ in
            try await body(JobQueueClient(client: client, store: JobStore(schema: global.schemaName)))
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per queue and state: counts, the oldest available job's wait, and last minute's outcomes.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let stats = try await JobsCommand.withQueue(global) { try await $0.stats() }
                print(json ? JobsReport.json(stats) : JobsReport.table(stats))
            }
        }
    }

    struct Dead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead jobs (attempts used up), newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Most jobs to list.") var limit = 50
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let (dead, zone) = try await global.withClient { client, _ in
                    let queue = JobQueueClient(client: client, store: JobStore(schema: global.schemaName))
                    return (try await queue.deadJobs(limit: limit), await global.reportingTimeZone(client))
                }
                print(json ? JobsReport.json(dead) : JobsReport.table(dead, timeZone: zone))
            }
        }
    }

    /// Which dead jobs a command acts on: ids, or all of them.
    struct DeadSelection: ParsableArguments {
        @Argument(help: "Ids of dead jobs.") var ids: [Int64] = []
        @Flag(help: "Every dead job.") var allDead = false

        /// The ids to pass to the store: nil for all.
        var selected: [Int64]? { allDead ? nil : ids }

        func validate() throws {
            if ids.isEmpty && !allDead { throw ValidationError("name job ids, or pass --all-dead") }
            if !ids.isEmpty && allDead { throw ValidationError("name job ids or pass --all-dead, not both") }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make dead jobs available again, attempts reset.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: DeadSelection

        func run() async throws {
            try await CommandFailure.guarding {
                let revived = try await JobsCommand.withQueue(global) { try await $0.retryDead(ids: selection.selected) }
                print("retried \(revived.count) job(s)\(revived.isEmpty ? "" : ": " + revived.map(String.init).joined(separator: ", "))")
                try JobsCommand.reportMissing(asked: selection.selected, done: revived, state: "dead (or held by a live job with the same unique key)")
            }
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete dead jobs.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: DeadSelection

        func run() async throws {
            try await CommandFailure.guarding {
                let gone = try await JobsCommand.withQueue(global) { try await $0.discardDead(ids: selection.selected) }
                print("discarded \(gone.count) job(s)")
                try JobsCommand.reportMissing(asked: selection.selected, done: gone, state: "dead")
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel jobs that have not finished (a running one is stopped at its next lease renewal).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Ids of jobs.") var ids: [Int64]

        func run() async throws {
            try await CommandFailure.guarding {
                let cancelled = try await JobsCommand.withQueue(global) { try await $0.cancel(ids: ids) }
                print("cancelled \(cancelled.count) job(s)")
                try JobsCommand.reportMissing(asked: ids, done: cancelled, state: "scheduled, available or running")
            }
        }
    }

    struct Enqueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enqueue a job (for operators and smoke tests).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The job's kind, e.g. queue.noop.") var kind: String
        @Option(help: "The queue.") var queue = "default"
        @Option(help: "The payload, a JSON object.") var payload = "{}"
        @Option(help: "Lower runs first.") var priority: Int16 = 0
        @Option(help: "Run no sooner than this many seconds from now.") var runIn: Double = 0
        @Option(help: "At most one live job with this key.") var uniqueKey: String?
        @Option(help: "How many copies to enqueue (one statement).") var count = 1

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be at least 1") }
            guard (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) is [String: Any] else {
                throw ValidationError("--payload must be a JSON object")
            }
        }

        func run() async throws {
            try await CommandFailure.guarding {
                let runAt = runIn > 0 ? Date().addingTimeInterval(runIn) : nil
                let request = JobRequest(
                    kind: kind, queue: queue, payload: PostgresJSONB(text: payload), priority: priority, runAt: runAt, uniqueKey: uniqueKey)
                let results = try await JobsCommand.withQueue(global) { try await $0.enqueue(Array(repeating: request, count: count)) }
                let inserted = results.filter(\.inserted).count
                print("enqueued \(inserted) job(s)" + (results.count == 1 ? " (id \(results[0].id))" : "")
                    + (inserted < results.count ? "; \(results.count - inserted) matched a live job's unique key" : ""))
            }
        }
    }

    /// Exits 65 when some named jobs were not in the expected state (`asked` nil: all, nothing to report).
    static func reportMissing(asked: [Int64]?, done: [Int64], state: String) throws {
        guard let asked else { return }
        let missing = Set(asked).subtracting(done).sorted()
        guard !missing.isEmpty else { return }
        FileHandle.standardError.write(Data("civicq: not \(state): \(missing.map(String.init).joined(separator: ", "))\n".utf8))
        throw ExitCode(CommandFailure.Code.dataError.rawValue)
    }
}
