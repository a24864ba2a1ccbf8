import ArgumentParser
import Foundation

/// The `civicq` command: one executable for every role (operator, worker, handler).
@main
struct CivicQ: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "civicq",
        abstract: "A civic-complaint queue worker on PostgreSQL.",
        discussion: """
            Connects to PostgreSQL through libpq: --database-url, else DATABASE_URL,
            else the PG* variables (PGHOST, PGPORT, PGUSER, PGDATABASE, ...), as psql
            does. A multi-host URL
            (postgresql://db1,db2/civicq?target_session_attrs=read-write) follows a
            failover. --read-database-url (CIVICQ_READ_DATABASE_URL) sends stats, case
            list, top and the dashboard to a hot standby.

            Exit codes: 0 success, 64 usage or bad option, 65 bad data, 66 unknown case,
            67 not a civicq user, 69 database unavailable, 70 internal error, 73 wrong
            state for the action, 75 temporary failure (try again), 77 not permitted
            (role or department), 78 configuration error.
            """,
        version: CivicQVersion.current,
        subcommands: [
            MigrateCommand.self, DoctorCommand.self, WorkerCommand.self, JobsCommand.self,
            CaseCommand.self, CallbackCommand.self, ExtensionsCommand.self, EscalationsCommand.self,
            DepartmentsCommand.self, CategoriesCommand.self, CalendarCommand.self, RoutesCommand.self, UsersCommand.self,
            ServeCommand.self, KeysCommand.self, ImportCommand.self, StatsCommand.self, TopCommand.self, LogCommand.self, HotspotsCommand.self, LedgerCommand.self, ArchiveCommand.self,
        ]
    )

    /// Catches a mistyped subcommand first (``CommandTypo``), answers `--help` with the
    /// command's examples (``HelpExamples``), then runs as ArgumentParser does, with its
    /// refusals of the command line in the reader's language (``Refusals``).
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let language = Spoken.language(arguments: arguments, environment: ProcessInfo.processInfo.environment) {
            Spoken.choose(language)
        }
        if let typo = CommandTypo.find(in: arguments, root: CivicQ.self) {
            FileHandle.standardError.write(Data("civicq: \(Refusals.say(typo.sentence, in: Spoken.current))\n".utf8))
            Foundation.exit(CommandFailure.Code.usage.rawValue)
        }
        if let help = HelpExamples.help(for: arguments) {
            print(help)
            Foundation.exit(0)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                FileHandle.standardError.write(Data((CommandFailure.usageMessage(message, in: Spoken.current) + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}

enum CivicQVersion {
    static let current = "0.1.0"
}
