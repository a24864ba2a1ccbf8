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
                print(json ? JobsReport.json(stats) : JobsReport.table(stats, language: Spoken.current))
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
                let (dead, audience) = try await global.withClient(readsLanguage: false) { client, _ in
                    let queue = JobQueueClient(client: client, store: JobStore(schema: global.schemaName))
                    return (try await queue.deadJobs(limit: limit), try await global.audience(client))
                }
                print(json ? JobsReport.json(dead) : JobsReport.table(dead, for: audience))
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
                let ids = revived.isEmpty ? "" : ": " + revived.map(String.init).joined(separator: ", ")
                print(Spoken.say("retried \(revived.count) job(s)\(ids)", "已重试 \(revived.count) 个任务\(ids)"))
                try JobsCommand.reportMissing(asked: selection.selected, done: revived, state: Spoken.say(
                    "dead (or held by a live job with the same unique key)", "死信任务（或已被同一唯一键的未完成任务占用）"))
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
                print(Spoken.say("discarded \(gone.count) job(s)", "已删除 \(gone.count) 个任务"))
                try JobsCommand.reportMissing(asked: selection.selected, done: gone, state: Spoken.say("dead", "死信任务"))
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
                print(Spoken.say("cancelled \(cancelled.count) job(s)", "已取消 \(cancelled.count) 个任务"))
                try JobsCommand.reportMissing(asked: ids, done: cancelled, state: Spoken.say(
                    "scheduled, available or running", "计划中、可执行或运行中的任务"))
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
                let say = Spoken.say
                print(say("enqueued \(inserted) job(s)", "已加入 \(inserted) 个任务")
                    + (results.count == 1 ? say(" (id \(results[0].id))", "（编号 \(results[0].id)）") : "")
                    + (inserted < results.count
                        ? say("; \(results.count - inserted) matched a live job's unique key", "；\(results.count - inserted) 个与未完成任务的唯一键相同") : ""))
            }
        }
    }

    /// Exits 65 when some named jobs were not in the expected state (`asked` nil: all, nothing to report).
    static func reportMissing(asked: [Int64]?, done: [Int64], state: String) throws {
        guard let asked else { return }
        let missing = Set(asked).subtracting(done).sorted()
        guard !missing.isEmpty else { return }
        let ids = missing.map(String.init).joined(separator: ", ")
        FileHandle.standardError.write(Data("civicq: \(Spoken.say("not \(state): \(ids)", "以下不是\(state)：\(ids)"))\n".utf8))
        throw ExitCode(CommandFailure.Code.dataError.rawValue)
    }
}
