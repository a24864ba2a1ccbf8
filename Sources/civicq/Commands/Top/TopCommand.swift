import ArgumentParser
import Casework
import CivicHTTP
import Foundation
import Postgres

/// `civicq top`: a live view of intake, the queue, overdue cases by department and the
/// workers, refreshed like `top` until Ctrl-C.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "A live view of intake, the queue, overdue cases and the workers (Ctrl-C stops).",
        discussion: """
            Reads the same counts as /metrics: cases received in the last minute and today, jobs
            by queue and state with the oldest wait, open cases past a deadline by department,
            the workers heard from in the last 30 s and the jobs each runs. On a terminal the
            screen is redrawn every --interval seconds; otherwise (or with --once) frames are
            printed one after another.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Seconds between refreshes.")
    var interval: Double = 2

    @Flag(help: "Print one frame and exit.")
    var once = false

    @Option(help: "Most departments listed under overdue.")
    var departments = 10

    func validate() throws {
        guard interval >= 0.2 else { throw ValidationError("--interval must be at least 0.2 seconds") }
        guard departments >= 1 else { throw ValidationError("--departments must be at least 1") }
    }

    func run() async throws {
        try await CommandFailure.guarding {
            // top reads its audience with its first frame, and waits for a database that is down.
            try await global.withClient(reading: true, readsLanguage: false) { client, _ in
                if try global.readConnectionConfiguration() != nil {
                    // Reading a standby: the primary is asked only for its WAL position (the lag).
                    try await global.withClient(readsLanguage: false) { primary, _ in try await loop(client, primary: primary) }
                } else {
                    try await loop(client, primary: nil)
                }
            }
        }
    }

    /// Draws frames until Ctrl-C. When a reading fails (the server restarts, a standby is
    /// promoted, or it is not up yet) the last frame stays, under a line saying that top is
    /// reconnecting, and the next refresh tries again: `top` waits for the database as `top`
    /// waits for a process. Only `--once` gives up (exit 69).
    private func loop(_ client: PostgresClient, primary: PostgresClient?) async throws {
        let live = !once && isatty(STDOUT_FILENO) == 1
        var screen: TopScreen?
        var previous: OperationsReading?
        var lastFrame = ""
        var failures = 0
        while true {
            let frame: String
            do {
                let current: TopScreen
                if let screen { current = screen } else { current = try await makeScreen(client) }
                screen = current
                let reading = try await OperationsReading.read(client: client, schema: global.schemaName)
                var lag: ReplicaLag?
                if let primary { lag = try await ReplicaLag.read(primary: primary, replica: client) }
                frame = current.render(reading, previous: previous, lag: lag, at: Date())
                previous = reading
                lastFrame = frame
                failures = 0
            } catch {
                if once { throw error }
                failures += 1
                let audience = screen?.audience ?? Audience(timeZone: .gmt, language: global.languageOverride ?? Spoken.current)
                frame = TopScreen.reconnecting(error, attempt: failures, at: Date(), for: audience) + "\n" + lastFrame
            }
            // Home, clear to the end: the frame is redrawn in place.
            FileHandle.standardOutput.write(Data((live ? "\u{1B}[H\u{1B}[J" + frame : frame + "\n").utf8))
            if once { return }
            try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }

    /// The screen, with the department names and the reporting time zone, read once.
    private func makeScreen(_ client: PostgresClient) async throws -> TopScreen {
        let store = CaseworkStore(schema: global.schemaName)
        let language = global.languageOverride
        let (names, audience) = try await client.withConnection { connection in
            (try store.departmentNames(on: connection), try store.audience(language: language, on: connection))
        }
        return TopScreen(database: global.schemaName, departmentNames: names, departmentLimit: departments, audience: audience)
    }
}
