import ArgumentParser
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
            try await global.withClient { client, _ in
                let names = try await client.withConnection { connection in
                    Dictionary(
                        try connection.query("SELECT code, name FROM departments").map { try $0.decode((String, String).self) },
                        uniquingKeysWith: { first, _ in first })
                }
                let screen = TopScreen(database: global.schemaName, departmentNames: names, departmentLimit: departments)
                let live = !once && isatty(STDOUT_FILENO) == 1
                var previous: OperationsReading?
                while true {
                    let reading = try await OperationsReading.read(client: client, schema: global.schemaName)
                    let frame = screen.render(reading, previous: previous, at: Date())
                    // Home, clear to the end: the frame is redrawn in place.
                    FileHandle.standardOutput.write(Data((live ? "\u{1B}[H\u{1B}[J" + frame : frame + "\n").utf8))
                    if once { return }
                    previous = reading
                    try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                }
            }
        }
    }
}
